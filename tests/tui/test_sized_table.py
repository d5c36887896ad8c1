"""A header painted between `add_row` and the table's idle sizing keeps up with the new widths
(widgets/fast_table.py SizedTable; Textual 8's DataTable caches cells without their width)."""

from __future__ import annotations

import pytest
from textual.app import App, ComposeResult
from textual.widgets import DataTable

from scale_tui.widgets.fast_table import SizedTable


class OneTable(App):
    CSS = "DataTable { height: 8; width: 100; }"  # a fixed box: new rows resize nothing

    def __init__(self, table: DataTable) -> None:
        super().__init__()
        self.table = table

    def compose(self) -> ComposeResult:
        yield self.table


def header_text(table: DataTable) -> str:
    return "".join(segment.text for segment in table.render_line(0))


@pytest.mark.parametrize("kind", [SizedTable])  # Textual 8's own DataTable fails it
async def test_the_header_follows_a_column_that_grew(kind):
    table = kind()
    async with OneTable(table).run_test(size=(100, 10)) as pilot:
        table.add_column("Node", key="node")
        table.add_column("Id", key="id")
        await pilot.pause()
        table.add_row("scale-agent-07.cluster.local", "7")
        header_text(table)  # a frame painted before the table sized its columns (on idle)
        await pilot.pause()
        await pilot.pause()
        node = table.columns["node"].get_render_width(table)
        assert node > len("Node") + 2  # the column grew to its hostname
        assert header_text(table).startswith(" Node" + " " * (node - len(" Node")) + " Id")
