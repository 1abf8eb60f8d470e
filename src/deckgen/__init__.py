"""deckgen: YAML card definitions to print-ready card decks, blank sheets and workbooks."""

from reportlab import rl_config

__version__ = "0.1.0"

# ReportLab wraps compressed streams in ASCII85 by default, a text-safe encoding that makes
# them a quarter larger; every PDF reader and print RIP takes binary streams.
rl_config.useA85 = 0
