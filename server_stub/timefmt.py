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


def drf(us: int | None) -> str | None:
    """ISO-8601 in UTC with ``Z``; microseconds only when non-zero (DRF ``DateTimeField``)."""
    if us is None:
        return None
    seconds, micros = divmod(us, US)
    day, sec = divmod(seconds, 86_400)
    hours, sec = divmod(sec, 3600)
    minutes, sec = divmod(sec, 60)
    if micros:
        return f"{_day(day)}{hours:02d}:{minutes:02d}:{sec:02d}.{micros:06d}Z"
    return f"{_day(day)}{hours:02d}:{minutes:02d}:{sec:02d}Z"


def es(us: int) -> str:
    """Elasticsearch ``@timestamp``: millisecond precision, always with the fraction."""
    seconds, micros = divmod(us, US)
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds)) + f".{micros // 1000:03d}Z"
