"""Figures and explorers of chapter 4 (``plot_*`` functions: arguments in, a matplotlib Figure out)."""
