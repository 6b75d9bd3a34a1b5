"""Figures and explorers of chapter 5 (``plot_*`` functions: arguments in, a matplotlib Figure out)."""
