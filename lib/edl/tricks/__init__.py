"""Chapter 8, tricks of the trade: initialisation (:mod:`.init`), weight decay (:mod:`.weight_decay`), L1 and early
stopping (:mod:`.shrinkage`), dropout (:mod:`.dropout`), normalisation (:mod:`.normalization`), residual and dense
connections (:mod:`.residual`), augmentation, bagging and ensembles (:mod:`.ensembles`), distillation
(:mod:`.distillation`), and one network on handwritten digits trained with and without each trick (:mod:`.digits`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch08_tricks"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 8 — Tricks of the trade"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('tricks.',)
