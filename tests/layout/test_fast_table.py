"""FastTable reaches into DataTable's private rendering; it must draw exactly what DataTable
draws for the same rows, or a Textual upgrade could change the jobs table unnoticed."""

from __future__ import annotations

from rich.text import Text
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from scale_tui.widgets.fast_table import FastTable

COLUMNS = (("id", 6), ("type", 14), ("status", 10), ("error", 22))
ROWS = [
    ("101", Text("landsat8-parse 1.0.0", no_wrap=True, overflow="ellipsis"),
     Text("FAILED", style="bold red"), Text("ALGORITHM: Bad input [x]", no_wrap=True,
                                            overflow="ellipsis")),
    ("102", Text("sentinel"), Text("RUNNING", style="bold blue"), Text("")),
    ("103", Text("a" * 40, no_wrap=True, overflow="ellipsis"), Text("COMPLETED S"),
     Text("-")),
    ("104", Text("12", justify="right"), Text("QUEUED", style="cyan"), Text("⚠ wide ✓")),
]


class OneTable(App):
    CSS = "DataTable { width: 60; height: 8; }"

    def __init__(self, table: DataTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table

    def on_mount(self) -> None:
        for key, width in COLUMNS:
            self.table.add_column(key.title(), key=key, width=width)
        for row in ROWS:
            self.table.add_row(row[0], *(cell.copy() for cell in row[1:]), key=row[0])


def cells(table: DataTable) -> list[list[tuple[str, object]]]:
    """Every screen cell of the table as (character, style): the same picture compares equal
    however the segments are split."""
    return [[(char, seg.style) for seg in table.render_line(y) for char in seg.text]
            for y in range(table.size.height)]


async def draw(table: DataTable, change) -> list[list[tuple[str, object]]]:
    async with OneTable(table).run_test(size=(80, 20)) as pilot:
        await pilot.pause()
        before = cells(table)
        table.move_cursor(row=2)
        change(table)
        await pilot.pause()
        return before + cells(table)


async def test_fast_table_draws_the_same_cells_as_a_plain_datatable():
    failed = Text("FAILED", style="bold red")
    fast = await draw(FastTable(cursor_type="row"),
                      lambda table: table._set_cell("102", "status", failed.copy()))
    plain = await draw(DataTable(cursor_type="row"),
                       lambda table: table.update_cell("102", "status", failed.copy()))
    assert fast == plain
    text = ["".join(char for char, _ in line) for line in fast]
    assert "landsat8-pars…" in text[1] and "ALGORITHM: Bad input …" in text[1]
    assert "FAILED" in text[8 + 2]  # the changed cell is drawn after the change
