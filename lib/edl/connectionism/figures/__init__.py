"""Figures and explorers of connectionism: pure ``plot_*`` functions and ``*_explorer`` factories."""
