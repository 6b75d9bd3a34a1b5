"""Chapter 7, geometric deep learning: groups, invariance and equivariance and the Deep Sets constructions
(:mod:`.symmetry`), graphs, relabelling, message passing, attention and the Weisfeiler–Lehman test
(:mod:`.graphs`), graph convolutional networks and shift-invariant filters (:mod:`.gcn`), spectral graph theory
(:mod:`.spectral`), and the end-to-end experiments on Zachary's karate club and on learned set functions
(:mod:`.experiments`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch07_geometric"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 7 — Geometric deep learning"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('gdl.',)
