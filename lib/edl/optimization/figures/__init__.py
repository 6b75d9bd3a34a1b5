"""Figures and explorers of optimization: pure ``plot_*`` functions and ``*_explorer`` factories."""
