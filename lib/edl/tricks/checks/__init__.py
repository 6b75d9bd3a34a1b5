"""Registered checks of chapter 8 (one module per topic module) and the errata demonstrations beside them."""
