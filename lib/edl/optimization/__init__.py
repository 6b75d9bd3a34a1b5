"""Chapter 3, gradient-based learning: backpropagation (:mod:`.backprop`), gradient descent
(:mod:`.descent`), stochastic gradient descent (:mod:`.stochastic`) and momentum and adaptive
optimisers (:mod:`.optim`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch03_gradient_learning"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 3 — Gradient-based learning"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('backprop.', 'autodiff.', 'gradients.', 'gd.', 'convexity.', 'smooth.', 'pl.', 'sgd.', 'momentum.', 'adaptive.')
