"""Registered checks of chapter 5 (one module per topic module) and the errata demonstrations beside them."""
