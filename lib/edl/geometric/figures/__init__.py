"""Figures and explorers of chapter 7 (``plot_*`` functions: arguments in, a matplotlib Figure out)."""
