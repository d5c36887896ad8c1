"""scale-tui: a terminal console for Scale clusters (v6 REST API)."""

__version__ = "0.1.0"
