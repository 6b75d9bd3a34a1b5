"""Chapter 7, geometric deep learning: groups, invariance and equivariance, deep sets, graph neural
networks and spectral graph theory.
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch07_geometric"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 7 — Geometric deep learning"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('gdl.',)
