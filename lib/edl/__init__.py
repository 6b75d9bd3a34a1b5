"""Executable Deep Learning: the formulas of the book as small, checked functions.

The library has one package per part of the book, mirroring the notebooks, and one package of shared
machinery:

- :mod:`edl.core`           device, validation, check results, the formula ledger, explorers, the
                            exercise framework and the student edition
- :mod:`edl.probability`    appendix A, probability and information
- :mod:`edl.connectionism`  chapter 1: threshold units, the perceptron, Cover, Hopfield, Willshaw
- :mod:`edl.feedforward`    chapter 2: linear and logistic models, layers, approximation, ReLU regions
- :mod:`edl.optimization`   chapter 3: backpropagation, gradient descent, SGD, optimisers
- :mod:`edl.convolution`    chapter 4: the convolution operator, convolutional layers and their gradients,
                            word embeddings
- :mod:`edl.recurrent`      chapter 5: RNNs and BPTT, vanishing gradients, LSTM and GRU, linear recurrent
                            units, CTC and sequence models
- :mod:`edl.attention`      chapter 6: attention, positional encodings, the transformer block
- :mod:`edl.geometric`      chapter 7: groups and equivariance, deep sets, graph networks, spectral graph theory
- :mod:`edl.tricks`         chapter 8: initialisation, regularisation, dropout, normalisation, residual
                            connections, ensembles, distillation
- :mod:`edl.theory`         chapter 9, part 1: learning theory and double descent, PAC-Bayes, the NTK
- :mod:`edl.bayesian`       chapter 9, part 2: Bayesian networks and MCMC, Gaussian processes, NNGP
- :mod:`edl.generative`     chapter 10, part 1: PCA and factor analysis, VAEs, normalizing flows, GANs
- :mod:`edl.diffusion`      chapter 10, part 2: diffusion models and the diffusion ELBO; autoregressive,
                            energy-based and graphical models, VI, sparse coding, LDA, k-means
- :mod:`edl.robustness`     chapter 11: adversarial examples, attributions and Shapley values, fairness

A part package holds its topic modules (the formulas, with LaTeX docstrings and doctests) and, beside
them, ``checks`` (registered formula checks and errata demonstrations), ``figures`` (``plot_*``
functions and explorers) and ``exercises``. Imports flow one way: a part uses :mod:`edl.core` and may
use an earlier part in :data:`PARTS`, never a later one; formula modules never import plotting.
"""

__version__ = "0.1.0"

#: The part packages in book order. A part may import only :mod:`edl.core` and earlier parts.
PARTS = ("probability", "connectionism", "feedforward", "optimization", "convolution", "recurrent", "attention",
         "geometric", "tricks", "theory", "bayesian", "generative", "diffusion", "robustness")
