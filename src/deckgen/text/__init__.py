"""Text: the one font fallback chain, inline markup, line breaking and fitting."""
