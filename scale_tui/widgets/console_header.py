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
from scale_tui.widgets.guard import Guarded

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
    """How briefly the line speaks: -1 everything (the Scale version too), 0 the refresh segment
    in full, 1 and 2 briefer; `render_header` raises it to fit."""
    version: str | None = None
    """The server's Scale version (GET /v6/version/), when known."""
    scheduler_paused: bool | None = None
    """GET /v6/scheduler/ is_paused, when known: PAUSED is shown loudly."""
    idle: str = ""
    """`idle: refreshing every 60 s` while the console is idle (core/refresh_policy.py), or ''."""
    counts: str = ""
    """When the status counts were last asked, if earlier than the last refresh (HH:MM:SS)."""

    def with_freshness(self, freshness: Freshness, refreshed: str = "") -> HeaderInfo:
        return replace(self, freshness=freshness, refreshed=refreshed or self.refreshed)

    @property
    def state(self) -> str:
        return self.freshness.state


class ConsoleHeader(Guarded, Static):
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

    def show_cluster(self, version: str | None, scheduler_paused: bool | None) -> None:
        """The cluster's own facts changed (another server, the scheduler paused or resumed)."""
        self.show(replace(self.info, version=version, scheduler_paused=scheduler_paused))

    def show_pace(self, idle: str, counts: str) -> None:
        """Whether the console is idle (and how slowly it refreshes), how old the counts are."""
        if (idle, counts) != (self.info.idle, self.info.counts):
            self.show(replace(self.info, idle=idle, counts=counts))

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


def _paused(info: HeaderInfo, text: Text) -> None:
    if info.scheduler_paused:
        text.append(" ")
        text.append(" SCHEDULER PAUSED ", style="bold white on red")


def _version(info: HeaderInfo, text: Text) -> None:
    """`Scale 7.0.0 · scheduler running`: the first thing a narrow line gives up (brevity -1
    only; a paused scheduler is `_paused`'s, never given up)."""
    if info.brevity >= 0:
        return
    words = []
    if info.version is not None:
        words.append("Scale " + display_text(info.version, limit=20))
    if info.scheduler_paused is False:
        words.append("scheduler running")
    if words:
        text.append(" │ ")
        text.append(" · ".join(words), style="dim")


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
    elif info.brevity <= 0:
        rate = f" · {info.idle}" if info.idle else f", every {info.interval:g} s"
        counts = f" · counts {info.counts}" if info.counts else ""
        words = f"refreshed {info.refreshed}{zone}{rate}{counts}"
    elif info.brevity == 1:
        words = f"{info.refreshed}{zone} · {info.idle or f'{info.interval:g} s'}"
    else:
        words = f"{info.refreshed}{zone}" + (" · idle" if info.idle else "")
    if words:
        text.append(f" │ {words}", style="dim")


SEGMENTS: list[Callable[[HeaderInfo, Text], None]] = [_identity, _paused, _freshness, _context,
                                                     _refreshed, _version]
"""In order: which cluster, whether the console may act on it, whether its scheduler is paused
(loud: the commonest reason jobs sit QUEUED), whether the data is live, where we are, when it
last refreshed, and which Scale it runs with its scheduler running (the usual case)."""


def render_header(info: HeaderInfo, width: int | None = None) -> Text:
    """The line; within `width` (when given) the Scale version goes first, then the refresh
    segment says less before anything is cut, then the URL drops its scheme; only then is the end
    cut with an ellipsis."""
    tries = [replace(info, brevity=level) for level in (-1, 0, 1, 2)]
    tries.append(replace(tries[-1], url=info.url.split("://", 1)[-1]))
    for attempt in tries:
        text = Text(no_wrap=True, overflow="ellipsis")
        for segment in SEGMENTS:
            segment(attempt, text)
        if width is None or text.cell_len <= width:
            break
    return text
