"""Appendix A, probability and information: moments, inequalities, distributions (:mod:`.basics`) and
information measures (:mod:`.information`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "appendix_probability"
#: The part's title, as its notebook heads it.
TITLE = "Appendix A — Probability and information"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('bg.',)
