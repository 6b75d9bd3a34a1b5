"""Registered checks and errata demonstrations of diffusion, one module per topic."""
