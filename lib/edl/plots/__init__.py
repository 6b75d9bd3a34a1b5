"""Figures of the book: pure ``plot_*`` functions (arguments in, matplotlib Figure out) and the
``*_explorer`` factories that make them explorable. One module per chapter or appendix."""
