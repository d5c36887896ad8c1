"""The fleet table: one row per cluster, keyed by profile name, redrawn one row at a time.

Every string a server sent (version, error) goes through `core/sanitize.py` and into a
`rich.text.Text` as plain text, never as markup.
"""

from __future__ import annotations

from datetime import datetime, tzinfo

from rich.text import Text

from scale_tui.core import fleet
from scale_tui.core.fleet import ClusterStatus
from scale_tui.core.formatting import DASH, format_short_time, sparkline
from scale_tui.core.sanitize import display_text
from scale_tui.widgets.fast_table import SizedTable

STATE_STYLES = {
    fleet.LIVE: "bold green", fleet.OFFLINE: "bold red", fleet.FORBIDDEN: "bold magenta",
    fleet.TLS: "bold red", fleet.TIMEOUT: "bold yellow", fleet.ERROR: "bold red",
    fleet.WAITING: "dim",
}
# 128 columns with the cell padding: fits a 130-column terminal; the sparkline is one
# character an hour (plus "+" when drawn from only the newest failures).
COLUMNS = (
    ("profile", "PROFILE", 16), ("state", "STATE", 7), ("version", "VERSION", 9),
    ("scheduler", "SCHEDULER", 9), ("running", "RUNNING", 7), ("queued", "QUEUED", 6),
    ("failed", "FAILED 1H", 9), ("spark", "FAILURES 24H", 25), ("last", "LAST FAILURE", 12),
    ("latency", "LATENCY", 8),
)


def _number(value: int | None) -> Text:
    return Text(DASH if value is None else f"{value:,}", justify="right")


def status_cells(status: ClusterStatus, *, current: bool, now: datetime,
                 tz: tzinfo) -> dict[str, Text]:
    """The cells of one row, by column key."""
    name = Text(display_text(status.profile), style="bold cyan" if current else "")
    if status.read_only:
        name.append(" RO", style="bold black on yellow")
    if current:
        name.append(" ◀", style="bold cyan")
    if status.scheduler_paused is None:
        scheduler = Text(DASH)
    elif status.scheduler_paused:
        scheduler = Text("PAUSED", style="bold white on red")
    else:
        scheduler = Text("running", style="green")
    spark = sparkline(status.failures_24h)
    latency = DASH if status.latency_ms is None else f"{status.latency_ms:.0f} ms"
    return {
        "profile": name,
        "state": Text(status.state, style=STATE_STYLES.get(status.state, "bold red")),
        "version": Text(display_text(status.version or DASH)),
        "scheduler": scheduler,
        "running": _number(status.running),
        "queued": _number(status.queued),
        "failed": _number(status.failed_1h),
        "spark": Text((spark or DASH) + ("+" if status.failures_partial else ""),
                      style="red" if any(status.failures_24h) else "dim"),
        "last": Text(format_short_time(status.last_failure, now, tz)),
        "latency": Text(latency, justify="right"),
    }


class FleetTable(SizedTable):
    """Rows keyed by profile name, in the order they were first shown."""

    DEFAULT_CSS = """
    FleetTable {
        height: auto;
        max-height: 1fr;
    }
    """

    def __init__(self, **kwargs) -> None:
        super().__init__(cursor_type="row", zebra_stripes=True, **kwargs)
        for key, label, width in COLUMNS:
            self.add_column(label, key=key, width=width)

    def show(self, status: ClusterStatus, *, current: bool, now: datetime, tz: tzinfo) -> None:
        cells = status_cells(status, current=current, now=now, tz=tz)
        key = status.profile
        if key not in self.rows:
            self.add_row(*(cells[column] for column, _label, _width in COLUMNS), key=key)
            return
        for column, _label, _width in COLUMNS:
            self.update_cell(key, column, cells[column])

    @property
    def cursor_profile(self) -> str | None:
        if not self.row_count:
            return None
        row_key, _ = self.coordinate_to_cell_key(self.cursor_coordinate)
        return row_key.value
