"""Chapter 6, attention and transformers: attention as mixing, softmax attention, its scaling and masks
(:mod:`.mechanism`), positional encodings (:mod:`.positional`), multi-head attention and the transformer
block (:mod:`.transformer`), the cost of a layer, non-local and encoder–decoder attention and contextual
embeddings (:mod:`.context`), and a one-layer transformer that learns to count (:mod:`.counting`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch06_attention"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 6 — Attention and transformers"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('attn.',)
