"""Chapter 10, first half: linear autoencoders and PCA (:mod:`.linear`), latent-variable models, factor
analysis and probabilistic PCA (:mod:`.latent`), variational autoencoders and the Gaussian generative
classifier (:mod:`.vae`), normalizing flows (:mod:`.flows`), generative adversarial networks (:mod:`.gans`,
:mod:`.gan_metrics`), and the chapter's end-to-end experiments (:mod:`.training`).
"""

#: The notebook (in ``notebooks/``) that states this part's formulas.
NOTEBOOK = "ch10a_generative"
#: The part's title, as its notebook heads it.
TITLE = "Chapter 10 — Generative models, part 1: latent variables, VAEs, flows and GANs"
#: The catalogue id prefixes of the formulas this part states (every one of them, checked).
PREFIXES = ('lae.', 'lvm.', 'mix.', 'fa.', 'ppca.', 'vae.', 'gencls.', 'flow.', 'gan.')
