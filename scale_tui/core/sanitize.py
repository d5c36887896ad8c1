"""Make a log message safe to draw: log text is data, never instructions for the terminal.

A job can print anything: colour codes, cursor movement, OSC 52 clipboard writes, a title change,
BEL, bidi overrides that reorder what the eye reads. None of it may reach the operator's terminal.
Every such character becomes a visible stand-in (ESC shows as ``␛``, so ``\\x1b[31m`` reads
``␛[31m``); tabs are expanded so columns stay put. The result is plain text: callers build
``Segment``s from it and never parse it as markup, so ``[bold red]`` stays literal too.

Pure functions: no textual import, so the save and search code can use them anywhere.
"""

from __future__ import annotations

import re

__all__ = ["MAX_LINE_CHARS", "TAB_SIZE", "clip", "printable"]

TAB_SIZE = 8

# One line of a megabyte must not cost a megabyte of segments per frame. Save keeps the full line.
MAX_LINE_CHARS = 10_000


def _stand_in(code: int) -> str:
    if code < 0x20:  # C0: the Unicode "control pictures" block has one glyph per code
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"  # ␡
    if 0x80 <= code <= 0x9F:  # C1 (CSI, OSC, ST as single bytes): no glyphs exist
        return f"\\x{code:02x}"
    if 0xD800 <= code <= 0xDFFF:  # a lone surrogate cannot even be encoded to the terminal
        return "\ufffd"
    return f"\\u{code:04x}"  # bidi controls, line/paragraph separators


# C0 except tab, DEL, C1, bidi embedding/override/isolate controls, U+2028/9, surrogates.
_UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
_STAND_INS: dict[str, str] = {}


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    stand_in = _STAND_INS.get(char)
    if stand_in is None:
        stand_in = _STAND_INS[char] = _stand_in(ord(char))
    return stand_in


def printable(message: str) -> str:
    """The message as it may be drawn: controls made visible, tabs expanded.

    A trailing CR (a CRLF line ending written by the job) is dropped rather than shown as ``␍``
    on every line; a CR inside the line is shown, since it would otherwise overwrite the line.
    """
    if message.endswith("\r"):
        message = message[:-1]
    text = _UNSAFE.sub(_replace, message)
    if "\t" in text:
        text = text.expandtabs(TAB_SIZE)
    return text


def clip(text: str, limit: int = MAX_LINE_CHARS) -> tuple[str, int]:
    """``(shown, hidden)``: at most ``limit`` characters of ``text`` and how many were left out."""
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit
