"""What counts as a whole number in text, typed by the operator or sent by a server.

``str.isdigit`` is true for ``"²"`` and ``"١٢"`` (superscripts, Arabic-Indic digits), and
``int()`` reads ``"1_000"``, ``" 7 "`` and ``"١٢"`` but raises on ``"²"``. So a check with one
and a conversion with the other can crash on text that passed the check (a job type version of
``"1.²"``, a ``Content-Length: ²``), or read an id the operator never typed. Every place that
reads a whole number from text uses `whole_number`: ASCII digits, nothing else.
"""

from __future__ import annotations

__all__ = ["whole_number"]


def whole_number(text: str) -> int | None:
    """``int(text)`` when ``text`` is ASCII digits only (``"007"`` is 7), else ``None``."""
    if text.isascii() and text.isdigit():
        return int(text)
    return None
