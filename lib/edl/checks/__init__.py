"""Registered formula checks and seed-erratum demonstrations, one module per book topic."""
