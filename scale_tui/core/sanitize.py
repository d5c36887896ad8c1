"""Server text becomes display text here, and only here: the one boundary (issue 11).

Every string a server sends was written by somebody else: job type titles, error descriptions,
node host names, file names, manifest text, ``detail`` messages, log lines. Each reaches the
screen (console or the script subcommands' output) through `display_text`, or `display_line` for
a log line, which make it inert:

- C0 controls (ESC, BEL, BS, CR, LF...) show as their Unicode "control pictures": ``\\x1b[2J``
  reads ``␛[2J``, an OSC 52 clipboard write ``␛]52;c;...␇``. DEL shows as ``␡``.
- C1 controls (U+0080-U+009F, e.g. the one-byte CSI U+009B and OSC U+009D) have no pictures and
  show as ``\\x9b``.
- Every other invisible "format" or separator character shows as ``\\uXXXX``: bidi embeddings,
  overrides and isolates (U+202A-202E, U+2066-2069), marks (U+200E/F, U+061C), zero-width
  characters (U+200B-200D, U+2060, U+FEFF), tag characters (U+E0000-E007F), U+2028/2029, and
  the rest of Unicode categories Cf, Zl and Zp. A lone surrogate shows as ``\\udc80``.
- Tabs are expanded (8 columns), so columns stay put; a trailing CR (a CRLF line end) is dropped.
- Long text is cut at a limit with `more_marker` after it (a surface that needs the whole value,
  such as saving a log, uses `printable`, which never cuts).

The result is plain text. Callers build ``Text``/``Content``/``Segment``s from it and never
parse it as markup, so ``[bold]`` or ``[@click=app.quit]`` stays literal too: escaping controls
is this module's job, not parsing markup is every surface's.

Pure functions, no textual or rich import: the console, the save and search code and the
script subcommands all use them. `json_text` is the same rule for JSON shown to a person.
"""

from __future__ import annotations

import json
import re
from typing import Any

__all__ = [
    "MAX_FIELD_CHARS",
    "MAX_LINE_CHARS",
    "TAB_SIZE",
    "UNSAFE",
    "clip",
    "display_line",
    "display_text",
    "is_inert",
    "json_text",
    "more_marker",
    "printable",
]

TAB_SIZE = 8

MAX_LINE_CHARS = 10_000
"""A log line is drawn up to this many characters: one line of a megabyte must not cost a
megabyte of segments per frame. Save keeps the full line."""

MAX_FIELD_CHARS = 2_000
"""Any other server string (a title, a host name, an error description) is shown up to this."""

# Unicode categories Cc (controls, less TAB), Cf (format: bidi, zero-width, tags...), Cs (lone
# surrogates), Zl and Zp (line and paragraph separators), as of Unicode 14 (Python 3.11); the
# test `test_every_invisible_category_is_escaped` checks the list against `unicodedata`.
UNSAFE = re.compile(
    "[\x00-\x08\x0a-\x1f\x7f-\x9f\xad\u0600-\u0605\u061c\u06dd\u070f\u0890\u0891\u08e2"
    "\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u206f\ud800-\udfff\ufeff"
    "\ufff9-\ufffb\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f]"
)
_NEWLINE_OK = re.compile(UNSAFE.pattern.replace("\x0a-\x1f", "\x0b-\x1f"))


def _stand_in(code: int) -> str:
    if code < 0x20:  # C0: the Unicode "control pictures" block has one glyph per code
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"  # ␡
    if code <= 0xFF:  # C1 (CSI, OSC, ST as single bytes) and the soft hyphen: no glyphs
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


_STAND_INS: dict[str, str] = {}


def _replace(match: re.Match[str]) -> str:
    char = match.group()
    stand_in = _STAND_INS.get(char)
    if stand_in is None:
        stand_in = _STAND_INS[char] = _stand_in(ord(char))
    return stand_in


def printable(message: str, *, newlines: bool = False) -> str:
    """The whole of ``message`` as it may be drawn: controls made visible, tabs expanded.

    A trailing CR (a CRLF line ending) is dropped rather than shown as ``␍``; a CR inside the
    text is shown, since it would otherwise overwrite what came before. With ``newlines`` a LF
    is kept as a line break (for surfaces that show several lines); otherwise it shows as ``␊``.
    """
    if message.endswith("\r"):
        message = message[:-1]
    if message.isprintable():  # C speed; no Cc, Cf, Cs, Zl or Zp in it: nothing to escape
        return message
    text = (_NEWLINE_OK if newlines else UNSAFE).sub(_replace, message)
    if "\t" in text:
        text = text.expandtabs(TAB_SIZE)
    return text


def clip(text: str, limit: int = MAX_LINE_CHARS) -> tuple[str, int]:
    """``(shown, hidden)``: at most ``limit`` characters of ``text`` and how many were left out."""
    if len(text) <= limit:
        return text, 0
    return text[:limit], len(text) - limit


def more_marker(hidden: int) -> str:
    """Drawn after text cut at a limit."""
    return f" … ({hidden:,} more chars)"


def display_text(value: Any, *, limit: int | None = MAX_FIELD_CHARS,
                 newlines: bool = False) -> str:
    """THE boundary: any value from a server as inert, plain display text.

    ``None`` is ``""``; anything else not a string is shown as ``str(value)``. The text is cut
    at ``limit`` characters (``None``: never) with `more_marker` after it. It is cut before it is
    escaped, so a megabyte of controls costs no more than ``limit`` characters of work.
    """
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    hidden = 0
    if limit is not None and len(text) > limit:
        text, hidden = text[:limit], len(text) - limit
    text = printable(text, newlines=newlines)
    return text + more_marker(hidden) if hidden else text


def display_line(message: str) -> tuple[str, int]:
    """A log line as drawn: ``(shown, hidden)`` with ``hidden`` characters cut after
    `MAX_LINE_CHARS` (the caller draws `more_marker` in its own style)."""
    return clip(printable(message))


def is_inert(text: str) -> bool:
    """True when ``text`` holds nothing `display_text` would have escaped (tabs aside)."""
    return UNSAFE.search(text) is None


_JSON_UNSAFE = re.compile(UNSAFE.pattern.replace("\x0a-\x1f", "\x0b-\x1f"))


def _json_escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code > 0xFFFF:  # JSON spells a code point past the BMP as a surrogate pair
        code -= 0x10000
        return f"\\u{0xD800 + (code >> 10):04x}\\u{0xDC00 + (code & 0x3FF):04x}"
    return f"\\u{code:04x}"


def json_text(data: Any, *, indent: int | None = None) -> str:
    """``data`` as JSON a person may read on a terminal: exactly the data (``json.loads`` gives
    it back), non-ASCII text as itself, but every character `display_text` would escape written
    as a ``\\uXXXX`` escape (JSON escapes C0 controls on its own; C1, bidi and zero-width
    characters it would write raw)."""
    text = json.dumps(data, indent=indent, ensure_ascii=False, default=str)
    # Outside strings JSON holds only ASCII punctuation, digits, letters and white space, and
    # json.dumps never writes a raw LF or TAB inside a string: every match is inside a string.
    return _JSON_UNSAFE.sub(_json_escape, text)
