"""Which buffered lines are on screen, on which rows, and which of them match the find pattern.

The view asks three things many times a second: how many rows there are, which line is on row
``y``, and where the next match is. All three are answered with bisection over lists kept in step
with the buffer: appends extend them, drops advance a head index (compacted now and then), and only
a change of stream, pattern or wrap width walks the whole buffer again.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right

from rich.cells import cell_len

from scale_tui.core.log_buffer import MESSAGE, STREAM, LogBuffer
from scale_tui.core.log_search import LogPattern, PatternTooSlow
from scale_tui.core.sanitize import MAX_LINE_CHARS, display_line, more_marker

__all__ = ["LogRows", "more_marker", "rows_needed"]

_COMPACT_AT = 4096


class LogRows:
    """Shown lines (stream and filter applied), their screen rows, and find matches."""

    def __init__(self, buffer: LogBuffer) -> None:
        self.buffer = buffer
        self.stream: str | None = None
        """``"stdout"`` or ``"stderr"`` to show one stream; ``None`` for combined."""
        self.pattern = LogPattern()
        self.filtering = False
        """Show only lines matching ``pattern`` (when it is active)."""
        self.wrap_width: int | None = None
        """Cells per row when wrapping; ``None`` shows each line on one row."""
        self._seqs: list[int] = []
        self._starts: list[int] = []  # first row of each shown line, only while wrapping
        self._rows_end = 0
        self._head = 0
        self._matches: list[int] = []
        self._match_head = 0

    # -- keeping in step with the buffer -------------------------------------------------------

    def rebuild(self) -> None:
        """Recompute everything; after a change of stream, pattern, filter or wrap width."""
        self._seqs, self._starts, self._rows_end, self._head = [], [], 0, 0
        self._matches, self._match_head = [], 0
        try:
            self._add(self.buffer.first_seq)
        except PatternTooSlow as exc:
            self._set_pattern_aside(exc)
            self.rebuild()

    def _set_pattern_aside(self, error: PatternTooSlow) -> None:
        """A regex that ran out of time stops finding; `pattern.error` says why."""
        self.pattern = LogPattern(self.pattern.text, self.pattern.regex, error=str(error))

    def extend(self, new: range) -> tuple[int, int]:
        """Take in lines the buffer just appended.

        Returns ``(rows_removed, lines_added)``: the screen rows of shown lines that fell off the
        front, and how many of the new lines are shown (after stream and filter).
        """
        removed = self._trim()
        before = len(self._seqs)
        if new:
            try:
                self._add(new.start)
            except PatternTooSlow as exc:  # on the new lines: everything is shown again
                self._set_pattern_aside(exc)
                self.rebuild()
                return removed, len(new)
        return removed, len(self._seqs) - before

    def _add(self, start: int) -> None:
        stream, pattern, width = self.stream, self.pattern, self.wrap_width
        items = [
            (seq, line[MESSAGE]) for seq, line in self.buffer.items(start)
            if stream is None or line[STREAM] == stream
        ]
        # Matching is decided on the message as written (highlights are drawn on what is shown;
        # the two differ only in control characters and tabs).
        if pattern.active:
            hits = pattern.matching([message for _, message in items])
            matched = [items[i][0] for i in hits]
            self._matches.extend(matched)
            if self.filtering:
                items = [items[i] for i in hits]
        self._seqs.extend(seq for seq, _ in items)
        if width:
            starts, rows_end = self._starts, self._rows_end
            for _, message in items:
                starts.append(rows_end)
                rows_end += rows_needed(message, width)
            self._rows_end = rows_end

    def _trim(self) -> int:
        """Forget lines the buffer dropped; the number of screen rows they took."""
        first = self.buffer.first_seq
        seqs = self._seqs
        head = bisect_left(seqs, first, self._head)
        if head == self._head:
            return 0
        before = self.rows_before(head)
        self._head = head
        self._match_head = bisect_left(self._matches, first, self._match_head)
        if head > _COMPACT_AT and head * 2 > len(seqs):
            # row starts stay absolute, so only the lists shrink
            del seqs[:head]
            del self._starts[:head]
            self._head = 0
        if self._match_head > _COMPACT_AT and self._match_head * 2 > len(self._matches):
            del self._matches[: self._match_head]
            self._match_head = 0
        return before

    # -- rows -----------------------------------------------------------------------------------

    @property
    def line_count(self) -> int:
        return len(self._seqs) - self._head

    @property
    def row_count(self) -> int:
        if self.wrap_width:
            return self._rows_end - self._row_base()
        return self.line_count

    def _row_base(self) -> int:
        if self._head < len(self._starts):
            return self._starts[self._head]
        return self._rows_end

    def rows_before(self, index: int) -> int:
        """Rows taken by shown lines before list position ``index`` (from the current head)."""
        if not self.wrap_width:
            return index - self._head
        absolute = self._starts[index] if index < len(self._starts) else self._rows_end
        return absolute - self._row_base()

    def locate(self, row: int) -> tuple[int, int] | None:
        """``(seq, part)`` of the line drawn on ``row``: part 0, 1, ... of a wrapped line."""
        if row < 0 or row >= self.row_count:
            return None
        if not self.wrap_width:
            return self._seqs[self._head + row], 0
        absolute = row + self._row_base()
        index = bisect_right(self._starts, absolute, self._head) - 1
        return self._seqs[index], absolute - self._starts[index]

    def row_of(self, seq: int) -> int | None:
        """First row of line ``seq``, or ``None`` when it is not shown."""
        index = bisect_left(self._seqs, seq, self._head)
        if index >= len(self._seqs) or self._seqs[index] != seq:
            return None
        return self.rows_before(index)

    def row_at_or_after(self, seq: int) -> int | None:
        """First row of line ``seq`` or of the next shown line after it; to keep a place."""
        index = bisect_left(self._seqs, seq, self._head)
        if index >= len(self._seqs):
            return None
        return self.rows_before(index)

    def shown(self) -> list[int]:
        """Sequence numbers of the shown lines, oldest first."""
        return self._seqs[self._head :]

    # -- matches --------------------------------------------------------------------------------

    @property
    def match_count(self) -> int:
        return len(self._matches) - self._match_head

    def match_position(self, seq: int | None) -> int:
        """1-based position of match ``seq`` (``3`` in "3/17"); 0 when it is not a match."""
        if seq is None:
            return 0
        index = bisect_left(self._matches, seq, self._match_head)
        if index < len(self._matches) and self._matches[index] == seq:
            return index - self._match_head + 1
        return 0

    def next_match(self, after: int, *, backwards: bool = False) -> int | None:
        """The first match after line ``after`` (before it, ``backwards``), wrapping around."""
        matches, head = self._matches, self._match_head
        if len(matches) == head:
            return None
        if backwards:
            index = bisect_left(matches, after, head) - 1
            return matches[index] if index >= head else matches[-1]
        index = bisect_right(matches, after, head)
        return matches[index] if index < len(matches) else matches[head]


def rows_needed(message: str, width: int) -> int:
    """Screen rows one message takes when wrapped at ``width`` cells (as `display_line` draws)."""
    if message.isascii() and message.isprintable():  # one cell per character: no measuring
        cells = len(message)
        if cells > MAX_LINE_CHARS:
            cells = MAX_LINE_CHARS + len(more_marker(cells - MAX_LINE_CHARS))
    else:
        shown, hidden = display_line(message)
        cells = cell_len(shown) + (len(more_marker(hidden)) if hidden else 0)
    return max(1, -(-cells // width))
