"""The triage table: one row per group of failures, with a sparkline over the window.

Rows are keyed by the group's key, so a refresh or a re-sort keeps the cursor on the same group.
Server text (error titles, job type names, host names) goes through `core.sanitize.display_text`
into plain `Text`: never markup.

Hundreds of groups are drawn without holding the console: `row_cells` (plain data, safe in a
worker thread) builds the cells, `show` adds new rows in batches and yields between them, and a
refresh that keeps the same groups in the same order only rewrites the cells that changed.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from datetime import datetime, tzinfo

from rich.text import Text

from scale_tui.core.formatting import format_short_time, sparkline
from scale_tui.core.sanitize import display_text
from scale_tui.core.triage import CATEGORY, ERROR, JOB_TYPE, NODE, Group
from scale_tui.widgets.fast_table import FastTable

_HEADINGS = {ERROR: "Error", JOB_TYPE: "Job type", NODE: "Node", CATEGORY: "Category"}
_WIDTHS = {ERROR: 34, JOB_TYPE: 26, NODE: 28, CATEGORY: 10}
BATCH = 40  # rows added between two turns of the event loop

Row = tuple[str, tuple[str, ...], "list[Text] | None"]
"""(row key, plain cell strings to compare, the cells as drawn: None when the table already
shows those words for that key, so the cells are made only if the row has to be added again)"""

Shown = tuple[tuple[str, ...], dict[str, tuple[str, ...]]]
"""What the table shows, as `TriageTable.shown()` copies it: (grouping, row key -> words)."""


def columns(grouping: tuple[str, ...]) -> list[tuple[str, str, int]]:
    """(key, heading, width) of each column for `grouping`."""
    return [("count", "Count", 6), ("share", "Share", 5), ("spark", "Over the window", 24),
            *((d, _HEADINGS[d], _WIDTHS[d]) for d in grouping),
            ("first", "First", 11), ("last", "Last", 11), ("example", "Example", 8)]


def row_cells(groups: Sequence[Group], grouping: tuple[str, ...], counted: int,
              now: datetime, tz: tzinfo, shown: Shown | None = None) -> list[Row]:
    """Every row's words, and its cells where they changed from `shown`; no widget is
    touched, so a worker thread may build them. Cells are made only for rows whose words
    changed: a refresh that changes nothing makes no `Text` (each is a few objects the
    garbage collector would walk again and again)."""
    peak = max((n for g in groups for n in g.buckets), default=0)
    before = shown[1] if shown is not None and shown[0] == grouping else {}
    rows: list[Row] = []
    for group in groups:
        plain = (str(group.count), f"{group.share(counted):.0%}", sparkline(group.buckets, peak),
                 *(display_text(group.dimension_text(d)) for d in grouping),
                 format_short_time(group.first, now, tz), format_short_time(group.last, now, tz),
                 str(group.example_job_id or "-"))
        key = repr(group.key)
        rows.append((key, plain, None if before.get(key) == plain else cells_of(plain)))
    return rows


def cells_of(plain: tuple[str, ...]) -> list[Text]:
    """One row's cells as drawn, from its words (see `row_cells`)."""
    dimensions = len(plain) - 6
    cells = [Text(plain[0], justify="right"), Text(plain[1], justify="right"),
             Text(plain[2], style="red")]
    for words in plain[3:3 + dimensions]:
        style = "dim italic" if words.startswith("(") else ""
        cells.append(Text(words, style=style, no_wrap=True, overflow="ellipsis"))
    cells += [Text(plain[-3]), Text(plain[-2]), Text(plain[-1], justify="right")]
    return cells


class TriageTable(FastTable):
    """Count, share, failures over the window, the group's keys, first and last failure, and
    an example job id."""

    HELP_TITLE = "Triage table"

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        self.groups: list[Group] = []
        self._grouping: tuple[str, ...] = ()
        self._plain: dict[str, tuple[str, ...]] = {}
        self._order: list[str] = []

    @property
    def cursor_group(self) -> Group | None:
        if not self.groups or self.cursor_row < 0 or self.cursor_row >= len(self.groups):
            return None
        return self.groups[self.cursor_row]

    def shown(self) -> Shown:
        """What the table shows now, copied (for `row_cells` in a worker thread)."""
        return self._grouping, dict(self._plain)

    async def show(self, groups: Sequence[Group], grouping: tuple[str, ...],
                   rows: list[Row]) -> None:
        """Draw `groups` (already sorted) with their `rows` (from `row_cells`); the cursor stays
        on the group it was on."""
        current = self.cursor_group
        keep = repr(current.key) if current is not None and grouping == self._grouping else None
        order = [key for key, _, _ in rows]
        if grouping == self._grouping and order == self._order:
            self.groups = list(groups)
            keys = [key for key, _, _ in columns(grouping)]
            for key, plain, cells in rows:
                old = self._plain.get(key, ())
                if old == plain:
                    continue
                cells = cells or cells_of(plain)
                for index, (column, value) in enumerate(zip(keys, cells, strict=True)):
                    if index >= len(old) or old[index] != plain[index]:
                        self._set_cell(key, column, value)
                self._plain[key] = plain
            return
        self._forget_cells()  # rows are re-added below: no cell drawn before may be reused
        if grouping != self._grouping:
            self.clear(columns=True)
            for key, heading, width in columns(grouping):
                self.add_column(heading, key=key, width=width)
            self._grouping = grouping
        else:
            self.clear()
        self.groups, self._order, self._plain = list(groups), order, {}
        for start in range(0, len(rows), BATCH):
            if start:
                await asyncio.sleep(0)  # let the console draw and read keys between batches
                if self._order is not order:
                    return  # a newer show() took over
            for key, plain, cells in rows[start:start + BATCH]:
                self.add_row(*(cells or cells_of(plain)), key=key)
                self._plain[key] = plain
        if keep is not None and keep in order:
            self.move_cursor(row=order.index(keep), animate=False)
