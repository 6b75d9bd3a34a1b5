"""Chapter 1, connectionism: threshold units and the perceptron (:mod:`.perceptron`), Cover's counting
function (:mod:`.cover`), Hopfield networks (:mod:`.hopfield`) and Willshaw memories
(:mod:`.willshaw`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch01_connectionism"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 1 — Connectionism"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('mcp.', 'perceptron.', 'cover.', 'hopfield.', 'willshaw.')
