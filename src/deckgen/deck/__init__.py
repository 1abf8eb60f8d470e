"""The deck model and everything that reads a deck folder into it (no drawing)."""
