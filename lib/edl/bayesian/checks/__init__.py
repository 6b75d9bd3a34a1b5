"""Registered checks of chapter 9, part 2 (one module per topic module) and the errata demonstrations beside them."""
