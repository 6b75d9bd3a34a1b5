"""Registered checks of chapter 11 (one module per topic module) and the errata demonstrations beside them."""
