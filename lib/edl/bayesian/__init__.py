"""Chapter 9, second half: Bayesian neural networks and MCMC, Gaussian conditioning, Bayesian linear
regression, Gaussian processes and the NNGP kernel.
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch09b_bayesian"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 9 — Theory of deep networks, part 2: Bayesian networks, MCMC and Gaussian processes"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('bayes.', 'gauss.', 'gp.', 'blr.', 'nngp.')
