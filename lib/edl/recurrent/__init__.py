"""Chapter 5, recurrent networks: simple RNNs and backpropagation through time, vanishing and exploding
gradients, LSTM and GRU, deep and bidirectional RNNs, linear recurrent units, CTC and sequence models.
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch05_recurrent"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 5 — Recurrent networks"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('rnn.',)
