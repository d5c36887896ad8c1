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
    zone: str = ""
    """The time zone every time on screen is in (`UTC`, `EST`): named here, and only here."""
    brevity: int = 0
    """How briefly the last segment speaks (0 in full; `render_header` raises it to fit)."""

    def with_freshness(self, freshness: Freshness, refreshed: str = "") -> HeaderInfo:
        return replace(self, freshness=freshness, refreshed=refreshed or self.refreshed)

    @property
    def state(self) -> str:
        return self.freshness.state


class ConsoleHeader(Static):
    """One line: `demo http://host READ-ONLY │ ● live │ refreshed 12:03:10 UTC, every 5 s`."""

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
        # one fixed line: no re-layout needed
        self.update(render_header(info, self.content_size.width or None), layout=False)

    def on_resize(self) -> None:
        self.show(self.info)

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
    """`refreshed 12:03:10 UTC, every 5 s`, briefer: `12:03:10 UTC · 5 s`, `12:03:10 UTC`. The
    zone is said even before the first refresh: every time on screen is in it."""
    zone = f" {info.zone}" if info.zone else ""
    if not info.refreshed:
        words = f"times in {info.zone}" if info.zone else ""
    elif info.brevity == 0:
        words = f"refreshed {info.refreshed}{zone}, every {info.interval:g} s"
    elif info.brevity == 1:
        words = f"{info.refreshed}{zone} · {info.interval:g} s"
    else:
        words = f"{info.refreshed}{zone}"
    if words:
        text.append(f" │ {words}", style="dim")


SEGMENTS: list[Callable[[HeaderInfo, Text], None]] = [_identity, _freshness, _context, _refreshed]
"""In order: which cluster, whether the console may act on it, whether the data is live, where
we are, when it last refreshed."""


def render_header(info: HeaderInfo, width: int | None = None) -> Text:
    """The line; within `width` (when given) the refresh segment says less before anything is
    cut, then the URL drops its scheme; only then is the end cut with an ellipsis."""
    tries = [replace(info, brevity=level) for level in (0, 1, 2)]
    tries.append(replace(tries[-1], url=info.url.split("://", 1)[-1]))
    for attempt in tries:
        text = Text(no_wrap=True, overflow="ellipsis")
        for segment in SEGMENTS:
            segment(attempt, text)
        if width is None or text.cell_len <= width:
            break
    return text
