"""The top line of every screen: which cluster this is, whether it is live, when it last refreshed.

Operators run several consoles against several clusters; the profile, the URL and the read-only
badge are always visible so that nobody cancels jobs on the wrong cluster. The freshness part
(live / retrying in N s / stale since T / offline / forbidden) is the same on every live screen:
it shows a `scale_tui.core.connection.Freshness`, never a screen's own words.

The line is built from segments (`SEGMENTS`, most important first, so a narrow terminal cuts the
least); a new fact for the header is one more segment function and one more `HeaderInfo` field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

from rich.text import Text
from textual.widgets import Static

from scale_tui.core.connection import Freshness
from scale_tui.core.sanitize import display_text

CONNECTING = Freshness("connecting", "connecting…")
LEVEL_STYLES = {
    "live": "bold green",
    "paused": "bold yellow",
    "connecting": "dim",
    "retrying": "bold red",
    "offline": "bold red",
    "forbidden": "bold red",
}


@dataclass(frozen=True)
class HeaderInfo:
    profile: str
    url: str
    read_only: bool = False
    freshness: Freshness = CONNECTING
    refreshed: str = ""
    interval: float = 5.0
    context: str = ""

    def with_freshness(self, freshness: Freshness, refreshed: str = "") -> HeaderInfo:
        return replace(self, freshness=freshness, refreshed=refreshed or self.refreshed)

    @property
    def state(self) -> str:
        return self.freshness.state


class ConsoleHeader(Static):
    """One line: `demo http://host READ-ONLY │ ● live │ refreshed 12:03:10, every 5 s`."""

    DEFAULT_CSS = """
    ConsoleHeader {
        height: 1;
        background: $panel;
        color: $foreground;
        padding: 0 1;
    }
    """

    def __init__(self, info: HeaderInfo, **kwargs) -> None:
        super().__init__(**kwargs)
        self.info = info

    def on_mount(self) -> None:
        self.show(self.info)

    def show(self, info: HeaderInfo) -> None:
        self.info = info
        self.update(render_header(info), layout=False)  # one fixed line: no re-layout needed

    def show_freshness(self, freshness: Freshness, refreshed: str = "") -> None:
        """Only the freshness part changed (every refresh, every second of a countdown)."""
        self.show(self.info.with_freshness(freshness, refreshed))


def _identity(info: HeaderInfo, text: Text) -> None:
    text.append(display_text(info.profile), style="bold cyan")
    text.append(" ")
    text.append(display_text(info.url))
    if info.read_only:
        text.append(" ")
        text.append(" READ-ONLY ", style="bold black on yellow")


def _freshness(info: HeaderInfo, text: Text) -> None:
    fresh = info.freshness
    text.append(" │ ")
    text.append("● " + display_text(fresh.state), style=LEVEL_STYLES.get(fresh.level, "bold red"))
    if fresh.stale:
        text.append(" · " + display_text(fresh.stale), style="yellow")


def _context(info: HeaderInfo, text: Text) -> None:
    if info.context:
        text.append(" │ ")
        text.append(display_text(info.context), style="bold")


def _refreshed(info: HeaderInfo, text: Text) -> None:
    if info.refreshed:
        text.append(f" │ refreshed {info.refreshed}, every {info.interval:g} s", style="dim")


SEGMENTS: list[Callable[[HeaderInfo, Text], None]] = [_identity, _freshness, _context, _refreshed]
"""In order: which cluster, whether the console may act on it, whether the data is live, where
we are, when it last refreshed."""


def render_header(info: HeaderInfo) -> Text:
    text = Text(no_wrap=True, overflow="ellipsis")
    for segment in SEGMENTS:
        segment(info, text)
    return text
