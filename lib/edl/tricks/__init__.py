"""Chapter 8, tricks of the trade: initialisation, weight decay and early stopping, dropout, normalisation,
residual connections, augmentation and ensembles, distillation.
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch08_tricks"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 8 — Tricks of the trade"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('tricks.',)
