"""Figures and explorers of chapter 6 (``plot_*`` functions: arguments in, a matplotlib Figure out)."""
