"""How statuses look (one colour per status, the same in the table, the counts and details), and
`server_text`: the one way a widget turns server text into something it draws."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widgets import Static

from scale_tui.core.formatting import DASH
from scale_tui.core.sanitize import MAX_FIELD_CHARS, MAX_LINE_CHARS, display_text

# Colours by meaning, readable on dark and light themes and in 16-colour terminals over SSH.
STATUS_STYLES = {
    "PENDING": "dim",
    "BLOCKED": "magenta",
    "QUEUED": "cyan",
    "RUNNING": "bold blue",
    "FAILED": "bold red",
    "COMPLETED": "green",
    "CANCELED": "yellow",
}


def status_text(status: str | None) -> Text:
    """The status word in its colour (unknown statuses are shown plainly, never dropped)."""
    word = display_text(status) or DASH
    return Text(word, style=STATUS_STYLES.get(word, ""))


def server_text(value: object, style: str = "", *, newlines: bool = False,
                limit: int | None = MAX_FIELD_CHARS, **kwargs: object) -> Text:
    """Server text as a Rich ``Text``: through `display_text` (scale_tui/core/sanitize.py), and
    never parsed as markup, so ``[bold]`` and ``[@click=...]`` stay literal."""
    return Text(display_text(value, newlines=newlines, limit=limit), style=style,
                **kwargs)  # type: ignore[arg-type]


class PlainStatic(Static):
    """A Static whose text is never markup and always display text: ``update("...")`` with a
    string (which may quote the server: an error ``detail``, a job type) goes through
    `display_text`, lines kept. Rich renderables (a ``Text`` built with `server_text`, a table)
    are drawn as given."""

    def __init__(self, content: object = "", **kwargs: Any) -> None:
        kwargs["markup"] = False
        super().__init__(_plain(content), **kwargs)

    def update(self, content: object = "", *, layout: bool = True) -> None:
        super().update(_plain(content), layout=layout)


def _plain(content: object) -> Any:
    if isinstance(content, str):
        return display_text(content, newlines=True, limit=MAX_LINE_CHARS)
    return content
