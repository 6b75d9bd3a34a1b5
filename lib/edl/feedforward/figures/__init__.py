"""Figures and explorers of feedforward: pure ``plot_*`` functions and ``*_explorer`` factories."""
