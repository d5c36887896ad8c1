"""Keeps httpx from importing its own command line client.

httpx/__init__.py imports `httpx._main` (click, rich, pygments; about 100 ms, measured with
`python -X importtime`, docs/startup.md) whenever rich is installed, only to offer `httpx.main`,
which scale-tui never calls. A None entry in `sys.modules` makes that import raise ImportError,
so httpx takes its own `except ImportError` fallback (a `main` that prints an install hint).
`scale_tui/api/__init__.py` imports this module first, before any module that imports httpx
(every `scale_tui.api.*` module runs the package's `__init__` first).
tests/layout/test_scripts_without_ui.py checks that neither httpx's CLI nor rich is loaded.
"""

import sys

sys.modules.setdefault("httpx._main", None)
