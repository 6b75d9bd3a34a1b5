"""Registered checks and errata demonstrations of chapter 10, part 1, one module per topic."""
