"""The jobs table: one row per job, keyed by job id, updated in place on every refresh.

Refreshes diff by row key inside `app.batch_update()` and touch only the cells that changed
(Dolphie's processlist approach): a refresh of an unchanged page costs almost nothing, and the
cursor stays on the same job however the rows move. Rows whose job changed are marked for a
moment, marked rows (space) keep their mark across refreshes and pages.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, tzinfo

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import var

from scale_tui.api import Job
from scale_tui.core.jobs_columns import COLUMN_KEYS, COLUMNS, WIDTHS, Cells, fit_columns, job_cells
from scale_tui.widgets.fast_table import FastTable
from scale_tui.widgets.guard import Guarded
from scale_tui.widgets.styles import status_text

ORDER_FIELDS = {key: order for key, _, order in COLUMNS}
MARK_COLUMN = "mark"
# Cells whose change means "this job changed" (a running job's duration grows on its own).
_SIGNIFICANT = frozenset(i for i, key in enumerate(COLUMN_KEYS) if key != "duration")
CHANGE_MARK_SECONDS = 3.0

def render_cell(column: str, value: str) -> Text:
    """Always `Text`: a job type or error title from the server is never read as markup."""
    if column == "status":
        word, _, badge = value.partition(" ")
        text = status_text(word)
        if badge:
            text.append(" " + badge, style="dim")  # S: superseded
        return text
    if column in ("duration", "num_exes"):
        return Text(value, justify="right", no_wrap=True)
    return Text(value, no_wrap=True, overflow="ellipsis")  # in a column narrower than its value


class JobsTable(Guarded, FastTable):
    """Jobs of the current page. Enter posts `DataTable.RowSelected` with the job id as key."""

    HELP_TITLE = "Jobs table"

    BINDINGS = [
        Binding("enter", "select_cursor", "Open", id="jobs.open"),
        Binding("space", "toggle_mark", "Mark", id="jobs.mark"),
    ]

    server_order: var[str] = var("-last_modified", init=False)
    """The server's sort (`-last_modified`): the column it names carries ▲/▼ (the jobs screen
    binds it to its own `order`). Not `sort_order`: that name is Textual's (a widget's place
    among its siblings)."""

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=False, **kwargs)
        self._values: dict[str, Cells] = {}
        self._marks: dict[str, str] = {}
        self.marked: set[int] = set()
        self._changed: set[str] = set()
        self._fade_timer = None
        self._widths: dict[str, int] = dict(WIDTHS)  # the columns shown, and their widths
        self._to_top = False

    def on_mount(self) -> None:
        self._add_columns(self._widths)
        self._show_sort()

    def _add_columns(self, widths: dict[str, int]) -> None:
        self.add_column(" ", key=MARK_COLUMN, width=2)
        for key, label, _ in COLUMNS:
            if key in widths:
                self.add_column(label, key=key, width=widths[key])

    def on_resize(self, event) -> None:
        # The vertical scrollbar's room is kept whether or not this page needs it, so that a
        # page of more rows does not change the layout.
        self.fit(event.size.width - self.styles.scrollbar_size_vertical)

    def fit(self, width: int) -> None:
        """Show the columns that fit `width` cells (see `jobs_columns.fit_columns`)."""
        widths = fit_columns(width)
        if widths == self._widths:
            return
        shown_before, self._widths = list(self._widths), widths
        if list(widths) == shown_before:
            for key, column_width in widths.items():
                self.columns[key].width = column_width  # type: ignore[index]
            self._forget_cells()
            self._require_update_dimensions = True
            self.refresh()
            return
        # Columns come or go: rebuild the table from the cells it keeps, in the same order.
        cursor_key = str(self.cursor_job_id) if self.row_count else None
        cursor_index = self.cursor_row
        order = [row.key.value for row in self.ordered_rows]
        with self.app.batch_update():
            self.clear(columns=True)
            self._marks.clear()
            self._forget_cells()
            self._add_columns(widths)
            for key in order:
                self.add_row(Text(""), *self._shown_cells(self._values[key]), key=key)
            self._redraw_marks()
            self._show_sort()
            self._restore_cursor(cursor_key, cursor_index)

    def _shown_cells(self, cells: Cells) -> list[Text]:
        return [render_cell(column, value) for column, value in zip(COLUMN_KEYS, cells,
                                                                    strict=True)
                if column in self._widths]

    def go_to_top(self) -> None:
        """The cursor to the first row, now and when the next page arrives (after a new sort
        the job that was selected is somewhere else; the list is read from its top)."""
        self._to_top = True
        if self.row_count:
            self.move_cursor(row=0, animate=False)
        self.scroll_to(y=0, animate=False)

    @property
    def cursor_job_id(self) -> int | None:
        if not self.row_count:
            return None
        key = self.coordinate_to_cell_key(self.cursor_coordinate).row_key.value
        return int(key) if key else None

    @property
    def job_ids(self) -> list[int]:
        return [int(row.key.value) for row in self.ordered_rows]

    def show_jobs(self, jobs: Sequence[Job], now: datetime, tz: tzinfo = UTC, *,
                  mark_changes: bool = True, cells: Sequence[Cells] | None = None) -> int:
        """Make the table show `jobs` in this order; returns how many jobs changed.

        `cells` are the jobs' `job_cells`, when the caller has them already."""
        if cells is None:
            cells = [job_cells(job, now, tz) for job in jobs]
        rows = {str(job.id): row for job, row in zip(jobs, cells, strict=True)}
        cursor_key = str(self.cursor_job_id) if self.row_count else None
        cursor_index = self.cursor_row
        to_top, self._to_top = self._to_top, False
        # The cursor on the first row, the view at the top: the operator watches the newest
        # jobs, and stays on the first row as new ones arrive (as `tail -f` follows the end).
        # Anywhere else the cursor holds its job: following job 2000 down as newer jobs push it
        # used to scroll the newest jobs off the top of a live list, unseen.
        watching_top = self.cursor_row == 0 and self.scroll_y == 0
        if to_top or watching_top:
            cursor_key, cursor_index = None, 0
        stale = [key for key in self._values if key not in rows]
        changed: list[str] = []
        with self.app.batch_update():
            # remove_row re-lays out the table each time; when most rows go, rebuilding is cheaper.
            if stale and len(stale) > len(rows) // 2:
                self.clear()
                self._values.clear()
                self._marks.clear()
                self._forget_cells()
                mark_changes = False
            else:
                for key in stale:
                    self.remove_row(key)
                    del self._values[key]
                    self._marks.pop(key, None)
                    self._forget_cells(key, (MARK_COLUMN, *COLUMN_KEYS))
            for key, cells in rows.items():
                old = self._values.get(key)
                if old is None:
                    self.add_row(Text(""), *self._shown_cells(cells), key=key)
                    if mark_changes:
                        changed.append(key)
                elif old != cells:
                    self._update_row(key, old, cells)
                    if any(old[i] != cells[i] for i in _SIGNIFICANT):
                        changed.append(key)
                self._values[key] = cells
            self._reorder(list(rows))
            self._note_changes(changed)
            self._restore_cursor(cursor_key, cursor_index)
            if to_top:
                self.scroll_to(y=0, animate=False)
        return len(changed)

    def _update_row(self, key: str, old: Cells, new: Cells) -> None:
        for column, before, after in zip(COLUMN_KEYS, old, new, strict=True):
            if before != after and column in self._widths:
                self._set_cell(key, column, render_cell(column, after))

    def _reorder(self, order: list[str]) -> None:
        if [row.key.value for row in self.ordered_rows] == order:
            return
        position = {key: index for index, key in enumerate(order)}
        self.sort("id", key=lambda cell: position[str(cell)])

    def _restore_cursor(self, key: str | None, index: int) -> None:
        if not self.row_count:
            return
        if key is not None and key in self._values:
            row = self.get_row_index(key)
        else:
            row = min(index, self.row_count - 1)  # the job left the page: stay where it was
        if row != self.cursor_row:
            self.move_cursor(row=row, animate=False)

    def _note_changes(self, keys: Iterable[str]) -> None:
        keys = set(keys)
        if keys:
            self._changed = keys
            if self._fade_timer is not None:
                self._fade_timer.stop()
            self._fade_timer = self.set_timer(CHANGE_MARK_SECONDS, self._fade_changes)
        self._redraw_marks()

    def _fade_changes(self) -> None:
        self._changed.clear()
        self._redraw_marks()

    @property
    def changed_job_ids(self) -> set[int]:
        """Jobs marked as changed by the last refresh (until the mark fades)."""
        return {int(key) for key in self._changed if key in self._values}

    def _redraw_marks(self) -> None:
        for key in self._values:
            mark = ("✓" if int(key) in self.marked else " ") + (
                "•" if key in self._changed else " ")
            if self._marks.get(key, "  ") != mark:
                self._marks[key] = mark
                self._set_cell(key, MARK_COLUMN, Text(mark, style="bold yellow"))

    class MarksChanged(Message):
        """The set of marked jobs changed (the screen says how many are marked)."""

    def action_toggle_mark(self) -> None:
        job_id = self.cursor_job_id
        if job_id is None:
            return
        self.marked.symmetric_difference_update({job_id})
        self._redraw_marks()
        self.post_message(self.MarksChanged())
        if self.cursor_row < self.row_count - 1:
            self.move_cursor(row=self.cursor_row + 1)

    def clear_marks(self) -> None:
        had = bool(self.marked)
        self.marked.clear()
        self._redraw_marks()
        if had:
            self.post_message(self.MarksChanged())

    def watch_server_order(self) -> None:
        self._show_sort()

    def _show_sort(self) -> None:
        """Put ▲/▼ on the column the server sorts by."""
        order = self.server_order
        field, descending = order.lstrip("-"), order.startswith("-")
        for key, label, order_field in COLUMNS:
            arrow = (" ▼" if descending else " ▲") if order_field == field else ""
            column = self.columns.get(key)  # type: ignore[call-overload]
            if column is not None:
                column.label = Text(label + arrow)
        self._require_update_dimensions = True
        self.refresh()
