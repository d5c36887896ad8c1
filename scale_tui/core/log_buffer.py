"""The bounded store of an execution's log lines, numbered so that views survive dropping.

Every line gets a sequence number when it arrives (0, 1, 2, ... for the life of the view). The
buffer keeps the newest ``max_lines`` in a deque; when older lines fall off, ``dropped`` says how
many, and every index the view keeps (shown lines, matches, the current match) stays valid because
it is a sequence number, not a position.

Lines are kept as plain ``(timestamp, stream, message)`` tuples, not as the API's objects: a tuple
of a datetime and two strings is untracked by Python's cycle collector, so 100,000 buffered lines
add nothing to a full collection. Kept as objects they made each one take 150-200 ms, a visible
freeze during a busy follow (bench/logs.py).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import NamedTuple, Protocol

__all__ = ["DEFAULT_MAX_LINES", "MESSAGE", "STREAM", "TIMESTAMP", "BufferedLine", "LogBuffer",
           "LogLineLike"]

DEFAULT_MAX_LINES = 100_000
TIMESTAMP, STREAM, MESSAGE = 0, 1, 2
"""Positions in the raw tuples ``LogBuffer.items`` yields."""


class LogLineLike(Protocol):
    """What the log widgets need of ``scale_tui.api.LogLine`` (widgets know nothing of HTTP)."""

    @property
    def timestamp(self) -> datetime: ...
    @property
    def stream(self) -> str: ...
    @property
    def message(self) -> str: ...


class BufferedLine(NamedTuple):
    """One buffered line, as ``buffer[seq]`` and iteration hand it out."""

    timestamp: datetime
    stream: str
    message: str


class LogBuffer:
    """The newest ``max_lines`` lines of a log, addressed by sequence number."""

    def __init__(self, max_lines: int = DEFAULT_MAX_LINES) -> None:
        if max_lines < 1:
            raise ValueError(f"log buffer must hold at least 1 line, not {max_lines}")
        self.max_lines = max_lines
        self._lines: deque[tuple[datetime, str, str]] = deque(maxlen=max_lines)
        self.total = 0
        """Lines ever appended; the next line's sequence number."""

    def __len__(self) -> int:
        return len(self._lines)

    @property
    def dropped(self) -> int:
        """Lines that fell off the front; also the sequence number of the oldest line kept."""
        return self.total - len(self._lines)

    @property
    def first_seq(self) -> int:
        return self.dropped

    def extend(self, lines: Iterable[LogLineLike]) -> range:
        """Append lines (dropping the oldest beyond ``max_lines``); the new sequence numbers.

        Only the newest ``max_lines`` of a huge batch are ever touched, so a burst of a million
        lines costs the same as one buffer's worth.
        """
        batch = lines if isinstance(lines, list) else list(lines)
        start = self.total
        self.total += len(batch)
        if len(batch) > self.max_lines:
            batch = batch[-self.max_lines :]
        self._lines.extend([(line.timestamp, line.stream, line.message) for line in batch])
        return range(max(start, self.first_seq), self.total)

    def __contains__(self, seq: object) -> bool:
        return isinstance(seq, int) and self.first_seq <= seq < self.total

    def __getitem__(self, seq: int) -> BufferedLine:
        if seq not in self:
            raise IndexError(f"line {seq} is not in the buffer ({self.first_seq}..{self.total})")
        return BufferedLine._make(self._lines[seq - self.first_seq])

    def __iter__(self) -> Iterator[BufferedLine]:
        return map(BufferedLine._make, self._lines)

    def items(self, start: int = 0) -> Iterator[tuple[int, tuple[datetime, str, str]]]:
        """``(seq, raw)`` from sequence number ``start`` (or the oldest kept) to the newest.

        ``raw`` is the stored tuple (index it with ``TIMESTAMP``, ``STREAM``, ``MESSAGE``): the
        loops over every line use it as is, without making an object per line.
        """
        first = self.first_seq
        start = max(start, first)
        lines = self._lines
        if start - first > len(lines) // 2:
            # the tail of a deque is cheap to reach from the right end
            tail = list(islice(reversed(lines), self.total - start))
            tail.reverse()
            return zip(range(start, self.total), tail, strict=True)
        iterator = iter(lines)
        for _ in range(start - first):
            next(iterator)
        return zip(range(start, self.total), iterator, strict=True)

    def clear(self) -> None:
        self._lines.clear()
        self.total = 0
