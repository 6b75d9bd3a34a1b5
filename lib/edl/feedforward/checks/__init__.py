"""Registered checks and errata demonstrations of feedforward, one module per topic."""
