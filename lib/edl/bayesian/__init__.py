"""Chapter 9, second half: Bayesian neural networks and MCMC, Gaussian conditioning, Bayesian linear
regression, Gaussian processes and the NNGP kernel.

Topic modules: the posterior, its energy and predictive (:mod:`.posterior`); Markov chains, Metropolis–Hastings,
Gibbs, conductance and tempering (:mod:`.markov`); Hamiltonian Monte Carlo and Langevin dynamics
(:mod:`.dynamics`); Gaussian conditioning and GP regression (:mod:`.gp`); Bayesian linear regression in weight and
function space (:mod:`.regression`); the NNGP kernel, finite-width corrections and Monte Carlo kernels
(:mod:`.nngp`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch09b_bayesian"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 9 — Theory of deep networks, part 2: Bayesian networks, MCMC and Gaussian processes"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('bayes.', 'gauss.', 'gp.', 'blr.', 'nngp.')
