"""Registered checks of chapter 4 (one module per topic module) and the errata demonstrations beside them."""
