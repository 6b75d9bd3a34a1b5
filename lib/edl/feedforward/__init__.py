"""Chapter 2, feedforward networks: linear models (:mod:`.linear`), the logistic unit and softmax
(:mod:`.logistic`), layers (:mod:`.layers`), approximation theory (:mod:`.approximation`), ReLU
regions (:mod:`.relu_regions`) and the linear autoencoder (:mod:`.linear_autoencoder`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch02_feedforward"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 2 — Feedforward networks"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('linear.', 'logistic.', 'losses.', 'softmax.', 'ffn.', 'approx.', 'relu.', 'linae.')
