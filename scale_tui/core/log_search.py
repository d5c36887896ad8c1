"""The pattern behind find (``/``) and filter (``&``): plain text or regex, smart-case.

Plain text is the default because log lines are full of regex metacharacters (paths, brackets,
``.``); an operator pasting ``[ERROR] foo.py`` means those characters literally. Smart-case as in
less and vim: all lower case matches any case, one capital makes the search exact.
A regex that does not compile is kept together with the reason, so the find bar can show it next to
the text the user typed instead of silently matching nothing. Regexes run on the `regex` module,
which can give up: one that backtracks without end (``(a|aa)+$``) raises `PatternTooSlow` after
`SEARCH_BUDGET` seconds instead of freezing the screen.
"""

from __future__ import annotations

import re
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

import regex as re2

__all__ = ["LogPattern", "PatternTooSlow"]

SEARCH_BUDGET = 1.0
"""Seconds a regex may take over the whole buffer (and over any one line)."""
_HIGHLIGHT_BUDGET = 0.05  # seconds per drawn line; past it the line is drawn unhighlighted


class PatternTooSlow(Exception):
    """A regex ran out of time: the find bar says so and the pattern is set aside."""

    def __init__(self) -> None:
        super().__init__(f"regex too slow: gave up after {SEARCH_BUDGET:g} s; try a simpler one")


@dataclass(frozen=True)
class LogPattern:
    """What the user typed in the find bar, compiled once."""

    text: str = ""
    regex: bool = False
    error: str | None = field(default=None, compare=False)
    _compiled: re.Pattern[str] | re2.Pattern | None = field(default=None, compare=False,
                                                          repr=False)

    @classmethod
    def compile(cls, text: str, *, regex: bool = False) -> LogPattern:
        if not text:
            return cls(text, regex)
        flags = 0 if any(char.isupper() for char in text) else re.IGNORECASE
        if not regex:
            return cls(text, regex, None, re.compile(re.escape(text), flags))
        try:
            compiled = re2.compile(text, flags)
        except re2.error as exc:
            where = f" at position {exc.pos}" if exc.pos is not None else ""
            return cls(text, regex, error=f"bad regex: {exc.msg}{where}")
        return cls(text, regex, None, compiled)

    @property
    def active(self) -> bool:
        """True when there is something to look for (non-empty and valid)."""
        return self._compiled is not None

    @property
    def case_sensitive(self) -> bool:
        return self._compiled is not None and not self._compiled.flags & re.IGNORECASE

    def matches(self, text: str) -> bool:
        return bool(self.matching([text]))

    def matching(self, messages: list[str]) -> list[int]:
        """Indices of the messages the pattern matches.

        Typing in the find bar re-searches up to 100,000 lines per keystroke. Plain text in ASCII
        lines is found with one ``str.find`` pass over all of them joined, jumping from hit to
        hit (a few times faster than a regex call per line, and plain text cannot span a joint).
        A regex runs line by line: over joined lines one like ``[^x]+`` could cross the joints
        and make every search scan to the end, quadratic in the log's length.
        """
        compiled = self._compiled
        if compiled is None or not messages:
            return []
        if not self.regex and "\n" not in self.text:
            joined = "\n".join(messages)
            if joined.isascii():
                starts = [0, *accumulate(len(m) + 1 for m in messages)]
                return _find_plain(joined, starts, self.text, exact=self.case_sensitive)
        search = compiled.search
        if not self.regex:
            return [i for i, message in enumerate(messages) if search(message) is not None]
        return _search_in_time(search, messages)

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the pattern matches, for highlighting; empty matches (``x*``) are skipped."""
        if self._compiled is None:
            return []
        try:
            found = (self._compiled.finditer(text, timeout=_HIGHLIGHT_BUDGET) if self.regex
                     else self._compiled.finditer(text))
            return [m.span() for m in found if m.end() > m.start()]
        except TimeoutError:
            return []

    def describe(self) -> str:
        """``regex, exact case`` and the like: what the find bar shows beside the pattern."""
        kind = "regex" if self.regex else "text"
        case = "exact case" if self.case_sensitive else "any case"
        return f"{kind}, {case}"


def _find_plain(joined: str, starts: list[int], text: str, *, exact: bool) -> list[int]:
    """Plain text in ASCII lines: ``str.find`` (lower-cased for any case) beats the regex
    engine, which cannot use its fast literal scan when ignoring case."""
    if not exact:
        joined, text = joined.lower(), text.lower()
    found, position, find, count = [], 0, joined.find, len(starts) - 1
    while (at := find(text, position)) >= 0:
        index = bisect_right(starts, at) - 1
        if index >= count:
            break
        found.append(index)
        position = starts[index + 1]
    return found


def _search_in_time(search, messages: list[str]) -> list[int]:
    """Indices of the messages a `regex` pattern finds, within `SEARCH_BUDGET` in all."""
    deadline = time.monotonic() + SEARCH_BUDGET
    found = []
    try:
        for start in range(0, len(messages), 1000):  # the clock is read once per 1,000 lines
            if time.monotonic() > deadline:
                raise PatternTooSlow
            for i, message in enumerate(messages[start:start + 1000], start):
                if search(message, timeout=SEARCH_BUDGET) is not None:
                    found.append(i)
    except TimeoutError:
        raise PatternTooSlow from None
    return found
