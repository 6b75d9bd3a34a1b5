"""Chapter 4, convolutional networks: the convolution operator (:mod:`.operator`), convolutional layers
(:mod:`.layers`), their gradients (:mod:`.gradients`), word embeddings (:mod:`.embeddings`) and a small
CNN trained on handwritten digits (:mod:`.digits`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch04_convolution"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 4 — Convolutional networks"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('conv.',)
