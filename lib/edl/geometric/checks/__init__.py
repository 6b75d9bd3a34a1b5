"""Registered checks of chapter 7 (one module per topic module) and the errata demonstrations beside them."""
