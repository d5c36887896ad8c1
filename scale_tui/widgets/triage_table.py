"""The triage table: one row per group of failures, with a sparkline over the window.

Rows are keyed by the group's key, so a refresh or a re-sort keeps the cursor on the same group.
Server text (error titles, job type names, host names) goes through `core.sanitize.display_text`
into plain `Text`: never markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.text import Text
from textual.widgets import DataTable

from scale_tui.core.formatting import format_short_time
from scale_tui.core.sanitize import display_text
from scale_tui.core.triage import CATEGORY, ERROR, JOB_TYPE, NODE, Group, spark_text

_HEADINGS = {ERROR: "Error", JOB_TYPE: "Job type", NODE: "Node", CATEGORY: "Category"}
_WIDTHS = {ERROR: 34, JOB_TYPE: 26, NODE: 28, CATEGORY: 10}


class TriageTable(DataTable):
    """Count, share, failures over the window, the group's keys, first and last failure, and
    an example job id."""

    HELP_TITLE = "Triage table"

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.groups: list[Group] = []
        self._grouping: tuple[str, ...] = ()

    @property
    def cursor_group(self) -> Group | None:
        if not self.groups or self.cursor_row < 0 or self.cursor_row >= len(self.groups):
            return None
        return self.groups[self.cursor_row]

    def show(self, groups: Sequence[Group], grouping: tuple[str, ...], counted: int,
             now: datetime, tz: tzinfo) -> None:
        """Draw `groups` (already sorted); the cursor stays on the group it was on."""
        current = self.cursor_group
        keep = current.key if current is not None and grouping == self._grouping else None
        if grouping != self._grouping:
            self.clear(columns=True)
            self.add_column("Count", key="count", width=6)
            self.add_column("Share", key="share", width=5)
            self.add_column("Over the window", key="spark", width=24)
            for dimension in grouping:
                self.add_column(_HEADINGS[dimension], key=dimension, width=_WIDTHS[dimension])
            self.add_column("First", key="first", width=11)
            self.add_column("Last", key="last", width=11)
            self.add_column("Example", key="example", width=8)
            self._grouping = grouping
        else:
            self.clear()
        self.groups = list(groups)
        peak = max((n for g in groups for n in g.buckets), default=0)
        for group in groups:
            self.add_row(*self._cells(group, grouping, counted, peak, now, tz), key=_row_key(group))
        if keep is not None:
            for index, group in enumerate(self.groups):
                if group.key == keep:
                    self.move_cursor(row=index, animate=False)
                    break

    def _cells(self, group: Group, grouping: tuple[str, ...], counted: int, peak: int,
               now: datetime, tz: tzinfo) -> list[Text]:
        cells = [Text(str(group.count), justify="right"),
                 Text(f"{group.share(counted):.0%}", justify="right"),
                 Text(spark_text(group.buckets, peak), style="red")]
        for dimension in grouping:
            words = display_text(group.dimension_text(dimension))
            style = "dim italic" if words.startswith("(") else ""
            cells.append(Text(words, style=style, no_wrap=True, overflow="ellipsis"))
        cells += [Text(format_short_time(group.first, now, tz)),
                  Text(format_short_time(group.last, now, tz)),
                  Text(str(group.example_job_id or "-"), justify="right")]
        return cells


def _row_key(group: Group) -> str:
    return repr(group.key)
