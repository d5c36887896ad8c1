"""The jobs table's columns, and which of them fit a terminal of a given width.

All nine columns need 139 cells. Narrower terminals first lose the columns an operator needs
least (Created, then Tries: both are on the details screen), and only then squeeze the long
text columns, whose values are cut with an ellipsis; the details screen shows them whole.
Wider terminals give every spare cell to the text columns (job type, error, node), so a long
error title is read whole instead of leaving the right of the screen blank.
"""

from __future__ import annotations

from datetime import UTC, datetime, tzinfo

from scale_tui.api import RUNNING, Job
from scale_tui.core.formatting import format_duration, format_short_time
from scale_tui.core.sanitize import display_text

# (column key, header label, Scale `order` field for a server-side sort on it). What an operator
# scans first comes first.
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("id", "ID", "id"),
    ("job_type", "Job type", "job_type"),
    ("status", "Status", "status"),
    ("error", "Error", "error__category"),
    ("node", "Node", "node__hostname"),
    ("last_modified", "Modified", "last_modified"),
    ("duration", "Duration", "duration"),
    ("num_exes", "Tries", "num_exes"),
    ("created", "Created", "created"),
)
COLUMN_KEYS = tuple(key for key, _, _ in COLUMNS)
# Widest each column gets (room for the sort arrow in its header). Widths never depend on the
# values: the layout does not jump between refreshes, and no cell needs measuring.
WIDTHS = {"id": 7, "job_type": 22, "status": 11, "error": 24, "node": 14, "last_modified": 11,
          "duration": 10, "num_exes": 7, "created": 11}
# Past WIDTHS, spare cells go on to the text columns up to these; the error takes the rest.
WIDEST = {"job_type": 40, "error": 10_000, "node": 28}
CELL_MAX = 200  # a text cell's value is cut here (the details screen shows it whole)
# The text columns give up width down to these, first to COMFORT while columns are dropped,
# then to NARROW before the columns an operator needs most go.
COMFORT = {"job_type": 20, "error": 18, "node": 14}
NARROW = {"job_type": 16, "error": 14, "node": 14}  # a cut host name tells nothing
MARK_WIDTH = 2
PADDING = 2  # a DataTable cell's padding, both sides together (cell_padding=1)

# Cumulative: each step drops one more column.
_STEPS: tuple[tuple[tuple[str, ...], dict[str, int]], ...] = (
    ((), COMFORT),
    (("created",), COMFORT),
    (("created", "num_exes"), COMFORT),
    (("created", "num_exes"), NARROW),
    (("created", "num_exes", "node"), NARROW),
    (("created", "num_exes", "node", "duration"), NARROW),
    (("created", "num_exes", "node", "duration", "error"), NARROW),
)


def fit_columns(width: int) -> dict[str, int]:
    """The columns to show in a table `width` cells wide, in table order, with their widths.

    The first step of `_STEPS` that fits wins; spare cells go back to the text columns in turn,
    up to their full widths, then past them (WIDEST). Below 57 cells even the last step does not
    fit, and the table scrolls sideways.
    """
    for dropped, floors in _STEPS:
        shown = [key for key in COLUMN_KEYS if key not in dropped]
        widths = {key: floors.get(key, WIDTHS[key]) for key in shown}
        spare = width - MARK_WIDTH - PADDING - sum(w + PADDING for w in widths.values())
        if spare >= 0:
            break
    for limits in (WIDTHS, WIDEST):  # up to the full widths first, then wider
        growing = [key for key in ("job_type", "error", "node") if key in widths]
        while spare > 0 and growing:  # the spare, a cell at a time to each in turn
            for key in list(growing):
                if spare and widths[key] < limits[key]:
                    widths[key] += 1
                    spare -= 1
                else:
                    growing.remove(key)
    return widths


Cells = tuple[str, ...]


def job_cells(job: Job, now: datetime, tz: tzinfo = UTC) -> Cells:
    """The plain text of each column for `job` (compared to decide what to redraw); server text
    goes through `display_text`, so a cell is inert whatever the server sent."""
    span = job.elapsed(now) if job.status == RUNNING else job.duration
    status = display_text(job.status) or "-"
    if job.is_superseded:
        status += " S"
    tries = f"{job.num_exes if job.num_exes is not None else '-'}"
    if job.max_tries:
        tries += f"/{job.max_tries}"
    return (
        str(job.id),
        _cut(display_text(job.job_type_label) or "-", CELL_MAX),
        status,
        _cut(display_text(job.error_text), CELL_MAX),
        _cut(display_text(short_host(job.node.hostname if job.node else None)), CELL_MAX),
        format_short_time(job.last_modified, now, tz),
        format_duration(span),
        tries,
        format_short_time(job.created, now, tz),
    )


def short_host(hostname: str | None) -> str:
    """`scale-agent-03.cluster.local` -> `scale-agent-03` (an IP address stays whole)."""
    if not hostname:
        return "-"
    if hostname.replace(".", "").isdigit() or ":" in hostname:
        return hostname
    return hostname.split(".", 1)[0]


def _cut(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
