"""Figures and explorers of chapter 9, part 1 (``plot_*`` functions: arguments in, a matplotlib Figure out)."""
