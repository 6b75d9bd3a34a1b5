"""Registered checks and errata demonstrations of optimization, one module per topic."""
