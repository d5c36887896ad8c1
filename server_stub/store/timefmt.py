"""Time as the stub stores it (integer microseconds since the Unix epoch) and as DRF prints it."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

US = 1_000_000
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
# Seed data hangs off this instant when the simulator is off, so snapshots never change.
FIXED_EPOCH_US = int(datetime(2026, 1, 1, tzinfo=UTC).timestamp()) * US


def now_us() -> int:
    return time.time_ns() // 1000


def to_us(value: datetime) -> int:
    delta = value - EPOCH
    return (delta.days * 86_400 + delta.seconds) * US + delta.microseconds


def from_us(us: int) -> datetime:
    return EPOCH + timedelta(microseconds=us)


_DAYS: dict[int, str] = {}


def _day(day: int) -> str:
    text = _DAYS.get(day)
    if text is None:
        text = _DAYS[day] = time.strftime("%Y-%m-%dT", time.gmtime(day * 86_400))
    return text


# Every time of day, "HH:MM:SS", built once: formatting is the list endpoint's hottest path.
_CLOCK = [f"{h:02d}:{m:02d}:{s:02d}" for h in range(24) for m in range(60) for s in range(60)]
_MILLE = [f"{n:03d}" for n in range(1000)]  # halves of the microseconds: cheaper than :06d


def drf(us: int | None) -> str | None:
    """ISO-8601 in UTC with ``Z``; microseconds only when non-zero (DRF ``DateTimeField``)."""
    if us is None:
        return None
    seconds, micros = divmod(us, US)
    day, sec = divmod(seconds, 86_400)
    if micros:
        return f"{_day(day)}{_CLOCK[sec]}.{micros:06d}Z"
    return f"{_day(day)}{_CLOCK[sec]}Z"


def drf_json(us: int | None) -> str:
    """``drf(us)`` as JSON text: quoted, or ``null``."""
    if us is None:
        return "null"
    seconds, micros = divmod(us, US)
    day, sec = divmod(seconds, 86_400)
    date = _DAYS.get(day) or _day(day)
    if micros:
        high, low = divmod(micros, 1000)
        return f'"{date}{_CLOCK[sec]}.{_MILLE[high]}{_MILLE[low]}Z"'
    return f'"{date}{_CLOCK[sec]}Z"'


def es(us: int) -> str:
    """Elasticsearch ``@timestamp``: millisecond precision, always with the fraction."""
    seconds, micros = divmod(us, US)
    day, sec = divmod(seconds, 86_400)
    return f"{_DAYS.get(day) or _day(day)}{_CLOCK[sec]}.{micros // 1000:03d}Z"


def drf_text(value: str | None) -> str | None:
    """An ISO-8601 text (e.g. ``...52.455Z`` in fixture data) as DRF prints the stored time:
    six fractional digits, or none when the microseconds are 0."""
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return value
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return drf(to_us(moment))
