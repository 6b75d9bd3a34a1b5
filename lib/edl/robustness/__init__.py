"""Chapter 11, robustness, interpretability and fairness: adversarial examples, norms and minimal
perturbations, DeepFool (:mod:`.attacks`), FGSM and PGD (:mod:`.pgd`), adversarial training, DRO, Jacobian and
operator norms, certificates (:mod:`.defenses`), sensitivities, missing information and exact Shapley values
for SHAP and SAGE (:mod:`.attribution`), group fairness criteria and their linear programs (:mod:`.fairness`),
and a digit classifier attacked and adversarially trained (:mod:`.digits`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch11_robustness"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 11 — Robustness, interpretability and fairness"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('adv.', 'interp.', 'fair.')
