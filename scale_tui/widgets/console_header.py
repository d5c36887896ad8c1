"""The top line of every screen: which cluster this is, whether it is live, when it last refreshed.

Operators run several consoles against several clusters; the profile, the URL and the read-only
badge are always visible so that nobody cancels jobs on the wrong cluster.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.widgets import Static

from scale_tui.core.sanitize import display_text

_STATE_STYLES = {"live": "bold green", "paused": "bold yellow", "connecting…": "dim"}


@dataclass(frozen=True)
class HeaderInfo:
    profile: str
    url: str
    read_only: bool = False
    state: str = "connecting…"
    stale: str = ""
    refreshed: str = ""
    interval: float = 5.0
    context: str = ""


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


def render_header(info: HeaderInfo) -> Text:
    """Most important first, so a narrow terminal cuts the least: which cluster, whether the
    console may act on it, whether the data is live, where we are, when it last refreshed."""
    text = Text(no_wrap=True, overflow="ellipsis")
    text.append(display_text(info.profile), style="bold cyan")
    text.append(" ")
    text.append(display_text(info.url))
    if info.read_only:
        text.append(" ")
        text.append(" READ-ONLY ", style="bold black on yellow")
    text.append(" │ ")
    style = _STATE_STYLES.get(info.state, "bold red")
    text.append("● " + display_text(info.state), style=style)
    if info.stale:
        text.append(" · " + display_text(info.stale), style="yellow")
    if info.context:
        text.append(" │ ")
        text.append(display_text(info.context), style="bold")
    if info.refreshed:
        text.append(f" │ refreshed {info.refreshed}, every {info.interval:g} s", style="dim")
    return text
