"""How statuses look: one colour per status, the same in the table, the counts and details."""

from __future__ import annotations

from rich.text import Text

from scale_tui.core.formatting import DASH

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
    word = status or DASH
    return Text(word, style=STATUS_STYLES.get(word, ""))
