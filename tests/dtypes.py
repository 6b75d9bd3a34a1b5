"""Test helper: run code under a float64 global default dtype, to see that results keep their inputs' dtype."""

import torch


def under_float64_default(f):
    """Call ``f`` with torch's default dtype set to float64, restoring the previous default afterwards."""
    previous = torch.get_default_dtype()
    torch.set_default_dtype(torch.float64)
    try:
        return f()
    finally:
        torch.set_default_dtype(previous)
