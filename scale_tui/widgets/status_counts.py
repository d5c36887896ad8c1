"""The status summary of the current filter: how many jobs match in each status.

The counts ignore the status filter itself (the other filters apply), so an operator looking at
FAILED jobs still sees how many are RUNNING or QUEUED under the same filters; the selected
statuses are highlighted.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from rich.text import Text
from textual.widgets import Static

from scale_tui.api import JOB_STATUSES
from scale_tui.widgets.guard import Guarded
from scale_tui.widgets.styles import STATUS_STYLES


class StatusCounts(Guarded, Static):
    DEFAULT_CSS = """
    StatusCounts {
        height: 1;
        padding: 0 1;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__("", **kwargs)
        self.counts: dict[str, int | None] = {}
        self.selected: tuple[str, ...] = ()
        self.page_text = ""
        self.page_text_short = ""

    def show(self, counts: Mapping[str, int | None] | None = None,
             selected: Sequence[str] | None = None, page_text: str | None = None,
             page_text_short: str | None = None) -> None:
        """`page_text_short` is what to say of the page when the line does not fit otherwise."""
        if counts is not None:
            self.counts = dict(counts)
        if selected is not None:
            self.selected = tuple(selected)
        if page_text is not None:
            self.page_text = page_text
            self.page_text_short = page_text_short or page_text
        room = self.content_size.width
        # Say less where it costs least: the page note shortens before the status names do.
        for page, short in ((self.page_text, False), (self.page_text_short, False),
                            (self.page_text_short, True)):
            line = render_counts(self.counts, self.selected, page, short=short)
            if not 0 < room < line.cell_len:
                break
        # One fixed line: skip the screen re-layout (it would repaint the whole jobs table).
        self.update(line, layout=False)

    def on_resize(self) -> None:
        self.show()


def render_counts(counts: Mapping[str, int | None], selected: Sequence[str],
                  page_text: str, *, short: bool = False) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for status in JOB_STATUSES:
        count = counts.get(status)
        chosen = not selected or status in selected
        style = STATUS_STYLES.get(status, "") if chosen else "dim"
        label = status[:4].title() if short else status.title()
        if selected and status in selected:
            style += " underline"
        text.append(label, style=style)
        gap = " " if short else "  "
        text.append(f" {'…' if count is None else _short(count)}{gap}",
                    style="bold" if chosen else "dim")
    if page_text:
        text.append("│ " + page_text)
    return text


def _short(count: int) -> str:
    """`1234` -> `1234`, `123456` -> `123k`: a count line must fit in 80 columns."""
    if count < 100_000:
        return str(count)
    if count < 10_000_000:
        return f"{count // 1000}k"
    return f"{count // 1_000_000}M"
