"""A DataTable for live pages: fixed column widths, and body cells rendered once per change.

DataTable keys its cell cache on a table-wide update counter, so changing one cell re-renders
every visible cell (~150 ms for a screenful of jobs), and it measures every cell of every new
row to size auto-width columns (0.3 s for a 1000-row page). Here each body cell is cached on
its own version, bumped by `_set_cell`, and with only fixed-width columns nothing is measured.
This reaches into private parts of Textual 8's DataTable (pinned below 9 in pyproject).
"""

from __future__ import annotations

from collections.abc import Iterable

from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Size
from textual.widgets import DataTable
from textual.widgets.data_table import RowKey


class SizedTable(DataTable):
    """A DataTable whose cached cells follow its auto-width columns as they grow.

    Textual 8 caches a rendered cell (the header's among them) without its width, and sizes
    auto-width columns on idle, after `add_row`, without invalidating that cache: a frame
    painted in between keeps the header at its old width above rows drawn at the new one (a
    job's executions table showed `Node` 5 columns wide above 29-column hostnames, until the
    next change). New widths make every cached cell stale; one re-render follows."""

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        super()._update_dimensions(new_rows)
        self._update_count += 1  # part of every cell's cache key (private to Textual 8)


class FastTable(SizedTable):
    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._cell_versions: dict[tuple[str, str], int] = {}
        self._cell_cache: dict[tuple, object] = {}

    def _forget_cells(self, row_key: str | None = None, columns: Iterable[str] = ()) -> None:
        """Drop rendered cells: one row's (a row that comes back must not find its old cells),
        or every cell."""
        if row_key is None:
            self._cell_versions.clear()
            self._cell_cache.clear()
            return
        for column in columns:
            self._cell_versions[row_key, column] = self._cell_versions.get((row_key, column),
                                                                           0) + 1

    def _set_cell(self, key: str, column: str, value: Text) -> None:
        self._forget_cells(key, (column,))
        self.update_cell(key, column, value)

    def _render_cell(self, row_index: int, column_index: int, base_style, width: int,
                     cursor: bool = False, hover: bool = False):
        # DataTable keys its cell cache on a table-wide update counter, so changing one cell
        # re-renders every visible cell (~150 ms for a screenful of jobs). Key body cells on
        # their own version instead: a refresh that changes 10 jobs renders 10 rows' cells.
        if row_index < 0 or column_index < 0:
            return super()._render_cell(row_index, column_index, base_style, width, cursor,
                                        hover)
        row_key = self._row_locations.get_key(row_index)
        column_key = self._column_locations.get_key(column_index)
        key = (row_key, column_key, row_index, self._cell_versions.get(
            (row_key.value, column_key.value), 0), base_style, width, cursor, hover,
            self._show_hover_cursor, self._pseudo_class_state)
        lines = self._cell_cache.get(key)
        if lines is None:
            if len(self._cell_cache) > 20_000:
                self._cell_cache.clear()
            lines = self._render_text_cell(row_index, column_index, row_key, column_key,
                                           base_style, width, cursor, hover)
            if lines is None:
                lines = super()._render_cell(row_index, column_index, base_style, width,
                                             cursor, hover)
            self._cell_cache[key] = lines
        return lines

    def _render_text_cell(self, row_index: int, column_index: int, row_key, column_key,
                          base_style, width: int, cursor: bool, hover: bool):
        """A one-line `Text` cell drawn directly: what DataTable gets from Rich's Padding and
        render_lines, at a fraction of the cost (a new page paints in a third of the time)."""
        cell = self._data[row_key][column_key]
        if not isinstance(cell, Text) or self.rows[row_key].height != 1:
            return None
        fixed = row_index < self.fixed_rows or column_index < self.fixed_columns
        component_style, post_style = self._get_styles_to_render_cell(
            False, False, fixed, hover, cursor, self.show_cursor, self._show_hover_cursor,
            self.cursor_foreground_priority == "css", self.cursor_background_priority == "css")
        pre_style = base_style + Style.from_meta({"row": row_index, "column": column_index})
        pre_style += component_style
        pad = self.cell_padding
        inner = max(0, width - 2 * pad)
        text = cell.copy()
        text.truncate(inner, overflow=cell.overflow or "fold")
        space = " " * (inner - text.cell_len)  # unstyled, as Rich pads it
        left, right = (" " * pad + space, " " * pad) if cell.justify == "right" else (
            " " * pad, space + " " * pad)
        console = self.app.console
        body = text.render(console, end="")
        if text.style:  # Text.render leaves the base style to its caller
            body = Segment.apply_style(body, style=console.get_style(text.style))
        segments = [Segment(left), *body, Segment(right)]
        return [list(Segment.apply_style(segments, pre_style, post_style))]

    def _update_dimensions(self, new_rows: Iterable[RowKey]) -> None:
        # DataTable measures every cell of every new row (0.3 s for a 1000-row page) to size
        # auto-width columns; ours are all fixed and one line high, so only the virtual size
        # needs updating. (Private attributes of Textual 8's DataTable; pinned below 9.)
        if any(column.auto_width for column in self.columns.values()):
            super()._update_dimensions(new_rows)
            return
        width = sum(column.get_render_width(self) for column in self.columns.values())
        header = self.header_height if self.show_header else 0
        self.virtual_size = Size(width + self._row_label_column_width,
                                 self._total_row_height + header)
