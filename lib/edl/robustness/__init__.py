"""Chapter 11: adversarial examples and robust training, attributions and Shapley values, fairness criteria
and their conflicts.
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch11_robustness"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 11 — Robustness, interpretability and fairness"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('adv.', 'interp.', 'fair.')
