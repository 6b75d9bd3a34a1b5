"""Registered checks and errata demonstrations of connectionism, one module per topic."""
