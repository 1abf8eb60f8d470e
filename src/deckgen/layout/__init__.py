"""Layouts: YAML templates resolved into element boxes for a card size (no canvas)."""
