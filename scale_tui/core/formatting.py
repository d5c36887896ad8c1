"""How the console and the scripts write times and durations: short, in the operator's zone.

Plain functions (no widgets, no rich) so the table, the details screens, the log view, the
scripts and the tests agree on one format and one zone. The zone is named once, in the header
(`zone_label`); the times themselves carry no zone suffix.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scale_tui.api.timefmt import humanize_duration

DASH = "-"


def zone(name: str | None) -> tzinfo:
    """The IANA zone `name`, or UTC when it is empty or unknown (the caller warns; see
    `known_zone`)."""
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


def known_zone(name: str | None) -> bool:
    """Whether `name` is a zone `zone` can honour (empty means UTC)."""
    return not name or zone(name) is not UTC or name.upper() == "UTC"


def format_time(moment: datetime | None, tz: tzinfo = UTC) -> str:
    """`2026-01-01 12:03:10` in `tz`; `-` when unknown."""
    if moment is None:
        return DASH
    return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M:%S")


def format_short_time(moment: datetime | None, now: datetime, tz: tzinfo = UTC) -> str:
    """A table cell, at most 11 wide: `12:03:10` today, `01-05 12:03` this year, else
    `2025-12-31`. Exact times are on the details screen."""
    if moment is None:
        return DASH
    local, today = moment.astimezone(tz), now.astimezone(tz)
    if local.date() == today.date():
        return local.strftime("%H:%M:%S")
    if local.year == today.year:
        return local.strftime("%m-%d %H:%M")
    return local.strftime("%Y-%m-%d")


def format_clock(moment: datetime | None, tz: tzinfo = UTC) -> str:
    """`12:03:10`: for "last refresh" and "stale since" in the header."""
    return DASH if moment is None else moment.astimezone(tz).strftime("%H:%M:%S")


def format_duration(span: timedelta | None) -> str:
    """`43s`, `5m 03s`, `1h 02m`, `3d 04h`; `-` when unknown. Negative spans (clock skew) are 0s."""
    return DASH if span is None else humanize_duration(span, units=2)


def format_log_time(moment: datetime, tz: tzinfo = UTC) -> str:
    """`2026-01-01 12:03:10.123`: a log line's timestamp, to the millisecond, in `tz`."""
    local = moment.astimezone(tz)
    return local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d}"


def zone_label(tz: tzinfo, moment: datetime) -> str:
    """What the header calls the zone at `moment`: `UTC`, `EST`, `CEST` (or `+0530` when the
    zone has no abbreviation)."""
    name = moment.astimezone(tz).tzname() or "UTC"
    return name if name[:1] not in "+-" else name.replace(":", "")


def format_size(size: float | int | None) -> str:
    """`1.5 MiB`: file and input sizes."""
    if size is None:
        return DASH
    value = float(size)
    for unit in ("B", "KiB", "MiB", "GiB", "TiB"):
        if abs(value) < 1024 or unit == "TiB":
            return f"{value:.0f} {unit}" if unit == "B" else f"{value:.1f} {unit}"
        value /= 1024
    return f"{value:.1f} TiB"


_BARS = "▁▂▃▄▅▆▇█"


def sparkline(values: Sequence[int], peak: int | None = None) -> str:
    """One character a value, scaled to `peak` (default: the largest value; pass the same peak
    to every row of a table so rows compare): `▁▁▃█▁`. A zero is always the lowest bar and any
    non-zero value at least the second, so one failure never looks like none. The fleet's and
    the triage screen's charts both draw with this."""
    if not values:
        return ""
    top = max(values) if peak is None else peak
    if top <= 0:
        return _BARS[0] * len(values)
    steps = len(_BARS) - 1
    return "".join(_BARS[0] if v <= 0 else _BARS[min(steps, max(1, round(v * steps / top)))]
                   for v in values)
