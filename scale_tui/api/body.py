"""What a response body may be before it is data: its size cap, and the one JSON parser.

Every byte the client reads goes through here (issue 11, "a response is valid or it is an
error"): `api/http.py` reads bodies in chunks up to a cap (it never holds more than the cap, and
refuses at once a ``Content-Length`` over it), and every JSON body is parsed by `parse_json`,
which never raises ``RecursionError`` and refuses nesting deeper than `MAX_DEPTH`. What fails
here becomes an ``UnexpectedResponse`` naming the request, never data.
"""

from __future__ import annotations

import contextlib
import json
import re
from typing import Any

import msgspec

__all__ = [
    "ERROR_BODY_CAP",
    "LOG_BODY_CAP",
    "MAX_DEPTH",
    "RESPONSE_BODY_CAP",
    "TOO_DEEP",
    "BodyError",
    "depth_over",
    "parse_json",
    "size_text",
]

RESPONSE_BODY_CAP = 8 * 1024 * 1024
"""Any answer but a log: a page of 1,000 full jobs is about 3 MiB."""
LOG_BODY_CAP = 32 * 1024 * 1024
"""A log page: 10,000 lines of up to ~3 KiB each."""
ERROR_BODY_CAP = 64 * 1024
"""An error answer: only its first line is ever shown (a proxy's error page is cut here)."""

MAX_DEPTH = 200
"""Nesting deeper than this is not a Scale answer (a manifest is about 8 levels deep). Far
below Python's recursion limit, so code that walks a parsed value recursively (pretty JSON,
model dumps) cannot hit ``RecursionError``."""


class BodyError(ValueError):
    """The body is not what any Scale endpoint sends: not JSON, nested too deep, too big."""


def size_text(size: int) -> str:
    return f"{size / (1024 * 1024):g} MiB" if size >= 1024 * 1024 else f"{size / 1024:g} KiB"


def parse_json(body: bytes | bytearray | str) -> Any:
    """The JSON value of ``body``. Invalid UTF-8 and lone surrogate escapes are replaced by
    U+FFFD (text is shown, never refused for one bad character); anything that is not JSON, or
    nests deeper than `MAX_DEPTH`, raises `BodyError`."""
    try:
        return _parse(body)
    except RecursionError:  # each parser stops at Python's recursion limit
        raise BodyError(TOO_DEEP) from None


TOO_DEEP = f"JSON nested deeper than {MAX_DEPTH} levels"
_REFUSED = (msgspec.DecodeError, msgspec.ValidationError, UnicodeEncodeError)


def _parse(body: bytes | bytearray | str) -> Any:
    try:
        return _capped(msgspec.json.decode(body))  # C, fast: every body a server should send
    except _REFUSED as exc:
        # msgspec refuses what a careless server may still send and Python's parser reads:
        # invalid UTF-8, a lone surrogate escape ("\udc80"), a number beyond 64 bits, 1e400
        # (inf), NaN. The text is data: read it that way.
        refused = str(exc)
    text = body.decode("utf-8", "replace") if isinstance(body, bytes | bytearray) else body
    if text is not body:
        with contextlib.suppress(*_REFUSED):  # only invalid UTF-8, now replaced: still fast
            return _capped(msgspec.json.decode(text))
    try:
        value = json.loads(text)
    except ValueError:
        raise BodyError(f"not JSON ({refused})") from None
    return _without_lone_surrogates(_capped(value))


def _capped(value: Any) -> Any:
    if depth_over(value, MAX_DEPTH):
        raise BodyError(TOO_DEEP)
    return value


_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value: Any) -> Any:
    """A lone surrogate escape is not text: it cannot be encoded (a model dump, a terminal,
    a file would raise), so it reads as U+FFFD, as invalid UTF-8 does. (``json.loads`` joins
    valid pairs, so every surrogate left is a lone one.) Depth is already capped."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {_without_lone_surrogates(k): _without_lone_surrogates(v)
                for k, v in value.items()}
    return value


def depth_over(value: Any, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit``; iterative (any depth is safe), a level
    at a time: one comprehension per level, ~6 ms for a page of 1000 jobs. The one depth rule,
    also for the JSON a typed page's jobs hold (api/lenient.py)."""
    level = [value] if type(value) is dict or type(value) is list else []
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            return True
        level = [child for node in level
                 for child in (node.values() if type(node) is dict else node)
                 if type(child) is dict or type(child) is list]
    return False
