"""How the console writes times, durations and statuses: short, in the operator's time zone.

Plain functions (no widgets, no rich) so the table, the details screens and the tests agree on
one format.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

DASH = "-"


def zone(name: str | None) -> tzinfo:
    """The IANA zone `name`, or UTC when it is empty or unknown (the caller warns)."""
    if not name or name.upper() == "UTC":
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return UTC


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
    if span is None:
        return DASH
    seconds = max(0, int(span.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes, secs = divmod(rest, 60)
    if days:
        return f"{days}d {hours:02d}h"
    if hours:
        return f"{hours}h {minutes:02d}m"
    if minutes:
        return f"{minutes}m {secs:02d}s"
    return f"{secs}s"


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


def sparkline(values: list[int] | tuple[int, ...]) -> str:
    """One character a value, scaled to the largest: `▁▁▃█▁`; a zero is always the lowest bar
    and any non-zero value at least the second, so one failure never looks like none."""
    if not values:
        return ""
    top = max(values)
    if top <= 0:
        return _BARS[0] * len(values)
    steps = len(_BARS) - 1
    return "".join(_BARS[0] if v <= 0 else _BARS[max(1, round(v * steps / top))] for v in values)
