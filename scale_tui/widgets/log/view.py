"""LogView: an execution's log drawn with the Line API, following the end until the user scrolls.

Why not Textual's ``Log``: it has no per-line styles (stderr, find highlights) and lets ESC
through to the terminal; ``RichLog`` is 90 times slower (docs/stack.md §2). This is a
``ScrollView`` over our own ``LogBuffer``: ``render_line`` draws only the rows on screen, from
plain-text ``Segment``s (never markup), with a small cache of whole-line strips.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, tzinfo

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from textual.binding import Binding
from textual.cache import LRUCache
from textual.geometry import Size
from textual.message import Message
from textual.reactive import var
from textual.scroll_view import ScrollView
from textual.strip import Strip

from scale_tui.core.formatting import format_log_time
from scale_tui.core.log_buffer import DEFAULT_MAX_LINES, LogBuffer, LogLineLike
from scale_tui.core.log_search import LogPattern
from scale_tui.core.sanitize import MAX_LINE_CHARS, display_line, more_marker
from scale_tui.widgets.guard import Guarded
from scale_tui.widgets.log.rows import LogRows

__all__ = ["STDERR_MARK", "LogView"]

STDERR_MARK = "▌"
"""Gutter mark of a stderr line: tells the streams apart where colour does not."""
_GUTTER = 2
_TIMESTAMP = 24  # "2026-01-01 00:00:03.123 ", in the console's zone (named on the title line)


class LogView(Guarded, ScrollView, can_focus=True):
    """The lines of one log: stream choice, timestamps, wrap, find highlights, follow."""

    COMPONENT_CLASSES = {
        "log-view--timestamp", "log-view--stderr", "log-view--stderr-mark",
        "log-view--match", "log-view--current-match", "log-view--more", "log-view--cursor",
    }
    DEFAULT_CSS = """
    LogView {
        background: $surface;
        color: $text;
        overflow-y: scroll;
        overflow-x: auto;
        &.-wrap { overflow-x: hidden; }
        &:focus { background-tint: $foreground 5%; }
        & > .log-view--timestamp { color: $text-muted; }
        & > .log-view--stderr { color: $text-error; }
        & > .log-view--stderr-mark { color: $error; }
        & > .log-view--match { background: $warning 40%; }
        & > .log-view--current-match { background: $accent; color: $text; text-style: bold; }
        & > .log-view--more { color: $text-muted; text-style: italic; }
        & > .log-view--cursor { background: $accent 30%; }
    }
    """

    BINDINGS = [Binding("end", "scroll_end", "End and follow", show=False)]

    show_timestamps: var[bool] = var(False)
    wrap: var[bool] = var(False)
    following: var[bool] = var(True, init=False)

    class PatternFailed(Message):
        """The find pattern was set aside (a regex that ran out of time); it carries the error."""

        def __init__(self, pattern: LogPattern) -> None:
            super().__init__()
            self.pattern = pattern

    class FollowChanged(Message):
        """Following started or stopped, or lines arrived while paused."""

        def __init__(self, following: bool, pending: int) -> None:
            super().__init__()
            self.following = following
            self.pending = pending

    def __init__(self, max_lines: int = DEFAULT_MAX_LINES, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.buffer = LogBuffer(max_lines)
        self.rows = LogRows(self.buffer)
        self.pending = 0
        """Lines shown in the current stream and filter that arrived while paused."""
        self.current_match: int | None = None
        self._widest = 0
        self._adjusting = False
        self._strips: LRUCache[int, Strip] = LRUCache(1024)
        self.tz: tzinfo = UTC
        """The zone timestamps are shown in: the console's one zone (`ScaleApp.tz`)."""

    # -- content -----------------------------------------------------------------------------

    def append(self, lines: Iterable[LogLineLike]) -> None:
        """Add one batch (one poll's worth): one layout update however many lines it holds."""
        batch = lines if isinstance(lines, list) else list(lines)
        new = self.buffer.extend(batch)
        if not new:
            return
        self._widest = max(self._widest, _widest(batch[-len(new) :]))
        pattern = self.rows.pattern
        removed_rows, added = self.rows.extend(new)
        self._report_pattern(pattern)
        if self.current_match is not None and self.current_match not in self.buffer:
            self.current_match = None
        self._update_virtual_size()
        if self.following:
            self._to_end()
        else:
            if removed_rows:  # keep the lines the user is reading where they are
                self._scroll_quietly(self.scroll_y - removed_rows)
            if added:
                self.pending += added
                self.post_message(self.FollowChanged(False, self.pending))
        self.refresh()

    def set_stream(self, stream: str | None) -> None:
        """Show ``"stdout"``, ``"stderr"`` or both (``None``); filters locally, no refetch."""
        self.rows.stream = stream
        self._rebuild()

    def set_pattern(self, pattern: LogPattern, *, filtering: bool) -> None:
        """Highlight ``pattern``; with ``filtering`` show only the lines it matches."""
        self.rows.pattern = pattern
        self.rows.filtering = filtering
        if self.current_match is not None and not pattern.active:
            self.current_match = None
        self._rebuild()
        self._report_pattern(pattern)
        if self.current_match is not None and not self.rows.match_position(self.current_match):
            self.current_match = None

    def _report_pattern(self, before: LogPattern) -> None:
        """Tell the screen when the rows set a too-slow regex aside."""
        after = self.rows.pattern
        if after is not before and after.error:
            self.current_match = None
            self.post_message(self.PatternFailed(after))

    def lines(self) -> list[LogLineLike]:
        """Every buffered line of the chosen stream, filter or not: what save and copy write."""
        stream = self.rows.stream
        return [line for line in self.buffer if stream is None or line.stream == stream]

    def current_line(self) -> LogLineLike | None:
        """The line `c` copies, drawn with the cursor style so it is never a guess: the current
        match, or else the last line on screen."""
        seq = self.cursor_seq()
        return None if seq is None else self.buffer[seq]

    def cursor_seq(self) -> int | None:
        if self.current_match in self.buffer:
            return self.current_match
        bottom = min(round(self.scroll_y) + self.scrollable_content_region.height,
                     self.rows.row_count) - 1
        located = self.rows.locate(bottom)
        return located[0] if located else None

    # -- find ------------------------------------------------------------------------------------

    def next_match(self, *, backwards: bool = False) -> int:
        """Move to the next (previous) match from the current one or the screen; its position."""
        if self.current_match is not None:
            start = self.current_match
        else:
            edge = self.rows.locate(round(self.scroll_y) if not backwards else
                                    round(self.scroll_y) + self.scrollable_content_region.height)
            start = edge[0] - (0 if backwards else 1) if edge else -1
            if backwards and edge is None:
                start = self.buffer.total
        target = self.rows.next_match(start, backwards=backwards)
        if target is None:
            return 0
        self._set_current(target)
        row = self.rows.row_of(target)
        height = self.scrollable_content_region.height
        if row is not None and not self.scroll_y <= row < self.scroll_y + height:
            self.scroll_to(y=max(0, row - height // 2), animate=False, immediate=True)
        return self.rows.match_position(target)

    def _set_current(self, seq: int | None) -> None:
        for old in (self.current_match, seq):
            if old is not None:
                self._strips.discard(old)
        self.current_match = seq
        self.refresh()

    # -- follow ----------------------------------------------------------------------------------

    def follow(self) -> None:
        """Go to the end and stay there as lines arrive (End, ``f``)."""
        self.following = True
        self._to_end()

    def _to_end(self) -> None:
        self._scroll_quietly(self.max_scroll_y)
        # again once laid out: a first long line adds a horizontal scrollbar, one row less
        self.call_after_refresh(self._end_if_following)

    def _end_if_following(self) -> None:
        if self.following and self.scroll_y != self.max_scroll_y:
            self._scroll_quietly(self.max_scroll_y)

    def watch_following(self, following: bool) -> None:
        if following:
            self.pending = 0
        self.post_message(self.FollowChanged(following, self.pending))

    def watch_scroll_y(self, old_value: float, new_value: float) -> None:
        super().watch_scroll_y(old_value, new_value)
        if self._adjusting:
            return
        if self.following and new_value < old_value and new_value < self.max_scroll_y:
            self.following = False
        elif not self.following and new_value > old_value and new_value >= self.max_scroll_y:
            self.following = True

    def action_scroll_end(self) -> None:
        self.follow()

    def _scroll_quietly(self, y: float) -> None:
        self._adjusting = True
        try:
            self.scroll_to(y=max(0, y), animate=False, immediate=True)
        finally:
            self._adjusting = False

    # -- layout ----------------------------------------------------------------------------------

    def watch_show_timestamps(self) -> None:
        self._rebuild()

    def watch_wrap(self, wrap: bool) -> None:
        self.set_class(wrap, "-wrap")
        self._rebuild()

    def on_resize(self) -> None:
        if self.wrap:
            self._rebuild()

    def notify_style_update(self) -> None:
        super().notify_style_update()
        self._strips.clear()

    def _prefix_width(self) -> int:
        return _GUTTER + (_TIMESTAMP if self.show_timestamps else 0)

    def _rebuild(self) -> None:
        """Recompute the rows after a change of view, keeping the top line (or the end) in place."""
        top = self.rows.locate(round(self.scroll_y))
        width = self.scrollable_content_region.width - self._prefix_width()
        self.rows.wrap_width = max(width, 10) if self.wrap else None
        self.rows.rebuild()
        self._strips.clear()
        self._update_virtual_size()
        if self.following:
            self._to_end()
        elif top is not None:
            row = self.rows.row_at_or_after(top[0])
            self._scroll_quietly(row if row is not None else self.max_scroll_y)
        self.refresh()

    def _update_virtual_size(self) -> None:
        width = 0 if self.wrap else self._widest + self._prefix_width()
        self.virtual_size = Size(width, self.rows.row_count)

    # -- drawing ---------------------------------------------------------------------------------

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        width = self.scrollable_content_region.width
        style = self.rich_style
        located = self.rows.locate(scroll_y + y)
        if located is None:
            return Strip.blank(width, style)
        seq, part = located
        strip = self._strips.get(seq)
        if strip is None:
            strip = self._strips[seq] = self._line_strip(seq).apply_style(style)
        if seq == self.cursor_seq():  # the line c copies: a cursor row, as in less and k9s
            cursor = self.get_component_rich_style("log-view--cursor")
            style = style + cursor
            strip = Strip([Segment(s.text, (s.style or Style()) + cursor, s.control)
                           for s in strip])
        if not self.wrap:
            return strip.crop_extend(scroll_x, scroll_x + width, style)
        prefix = self._prefix_width()
        text_width = self.rows.wrap_width or width
        if part == 0:
            return strip.crop_extend(0, prefix + text_width, style).extend_cell_length(width, style)
        start = prefix + part * text_width
        piece = strip.crop(start, start + text_width)
        return Strip([Segment(" " * prefix, style), *piece]).extend_cell_length(width, style)

    def _line_strip(self, seq: int) -> Strip:
        line = self.buffer[seq]
        stderr = line.stream == "stderr"
        styles = self.get_component_rich_style
        segments: list[Segment] = []
        if self.show_timestamps:
            stamp = format_log_time(line.timestamp, self.tz) + " "
            segments.append(Segment(stamp, styles("log-view--timestamp")))
        segments.append(Segment(STDERR_MARK + " " if stderr else "  ",
                                styles("log-view--stderr-mark") if stderr else None))
        text, hidden = display_line(line.message)
        base = styles("log-view--stderr") if stderr else Style()
        spans = self.rows.pattern.spans(text) if self.rows.pattern.active else []
        highlight = styles(
            "log-view--current-match" if seq == self.current_match else "log-view--match")
        position = 0
        for start, end in spans:
            if start > position:
                segments.append(Segment(text[position:start], base))
            segments.append(Segment(text[start:end], base + highlight))
            position = end
        if position < len(text):
            segments.append(Segment(text[position:], base))
        if hidden:
            segments.append(Segment(more_marker(hidden), styles("log-view--more")))
        return Strip(segments)


def _widest(lines: list[LogLineLike]) -> int:
    """An upper bound of the widest line in cells, without measuring every line exactly.

    ASCII takes one cell per character (a control shows as one control picture) plus tab
    expansion, which C-speed string methods answer for a whole batch; only a batch with other
    characters is measured line by line. Lines past ``MAX_LINE_CHARS`` count as drawn: cut.
    """
    if not lines:
        return 0
    messages = [line.message for line in lines]
    joined = "".join(messages)
    if joined.isascii() and "\t" not in joined:
        return _cut_width(max(map(len, messages)))
    return max(_cells(m) for m in messages)


def _cells(message: str) -> int:
    if message.isascii() and "\t" not in message:
        return _cut_width(len(message))
    shown, hidden = display_line(message)
    return cell_len(shown) + (len(more_marker(hidden)) if hidden else 0)


def _cut_width(chars: int) -> int:
    if chars <= MAX_LINE_CHARS:
        return chars
    return MAX_LINE_CHARS + len(more_marker(chars - MAX_LINE_CHARS))
