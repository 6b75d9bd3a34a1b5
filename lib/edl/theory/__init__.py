"""Chapter 9, first half: statistical learning theory and double descent (:mod:`.learning`), PAC-Bayes bounds
and their reparameterised training (:mod:`.pacbayes`), the neural tangent kernel of a two-layer network
(:mod:`.ntk`) and lazy versus rich training (:mod:`.lazy`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch09a_learning_theory"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 9 — Theory of deep networks, part 1: learning theory, PAC-Bayes and the neural tangent kernel"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('slt.', 'pacbayes.', 'ntk.')
