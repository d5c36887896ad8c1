"""The pattern behind find (``/``) and filter (``&``): plain text or regex, smart-case.

Plain text is the default because log lines are full of regex metacharacters (paths, brackets,
``.``); an operator pasting ``[ERROR] foo.py`` means those characters literally. Smart-case as in
less and vim: all lower case matches any case, one capital makes the search exact.
A regex that does not compile is kept together with the reason, so the find bar can show it next to
the text the user typed instead of silently matching nothing.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field
from itertools import accumulate

__all__ = ["LogPattern"]


@dataclass(frozen=True)
class LogPattern:
    """What the user typed in the find bar, compiled once."""

    text: str = ""
    regex: bool = False
    error: str | None = field(default=None, compare=False)
    _compiled: re.Pattern[str] | None = field(default=None, compare=False, repr=False)

    @classmethod
    def compile(cls, text: str, *, regex: bool = False) -> LogPattern:
        if not text:
            return cls(text, regex)
        flags = 0 if any(char.isupper() for char in text) else re.IGNORECASE
        source = text if regex else re.escape(text)
        try:
            compiled = re.compile(source, flags)
        except re.error as exc:
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
        return self._compiled is not None and self._compiled.search(text) is not None

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
        return [i for i, message in enumerate(messages) if search(message) is not None]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """Where the pattern matches, for highlighting; empty matches (``x*``) are skipped."""
        if self._compiled is None:
            return []
        return [m.span() for m in self._compiled.finditer(text) if m.end() > m.start()]

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
