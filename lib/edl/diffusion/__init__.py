"""Chapter 10, second half: diffusion models and the diffusion ELBO (:mod:`.forward`, :mod:`.elbo`,
:mod:`.score`, :mod:`.sampling`), with autoregressive, energy-based and graphical models
(:mod:`.graphical`) and variational inference, sparse coding, LDA, k-means and disentanglement
(:mod:`.latent`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch10b_diffusion"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 10 — Generative models, part 2: diffusion models and the diffusion ELBO"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('diffusion.', 'ar.', 'ebm.', 'rbm.', 'sbn.', 'bn.', 'mrf.', 'vi.', 'sparse.', 'lda.', 'kmeans.', 'repr.')
