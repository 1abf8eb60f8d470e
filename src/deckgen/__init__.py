"""deckgen: YAML card definitions to print-ready card decks, blank sheets and workbooks."""

__version__ = "0.1.0"
