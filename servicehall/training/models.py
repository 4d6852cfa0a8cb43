"""Training (TRN-1 … TRN-3)."""
