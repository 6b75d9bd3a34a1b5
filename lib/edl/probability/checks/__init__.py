"""Registered checks and errata demonstrations of probability, one module per topic."""
