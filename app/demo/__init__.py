"""Demo and benchmark data: `load` (a realistic landlord) and `generate` (any size)."""
