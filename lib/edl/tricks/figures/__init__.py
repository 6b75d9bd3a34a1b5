"""Figures and explorers of chapter 8 (``plot_*`` functions: arguments in, a matplotlib Figure out)."""
