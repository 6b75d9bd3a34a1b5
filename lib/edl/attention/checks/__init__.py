"""Registered checks of chapter 6 (one module per topic module) and the errata demonstrations beside them."""
