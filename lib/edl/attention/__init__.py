"""Chapter 6, attention and transformers: attention as mixing, scaled dot-product attention, masks,
positional encodings and the transformer block.
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch06_attention"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 6 — Attention and transformers"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('attn.',)
