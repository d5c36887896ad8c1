"""The console's one source of "now", so tests and snapshots can freeze time.

Everything the console shows relative to the present ("stale since", "retrying in 4 s", a running
job's elapsed time) asks `now()` instead of `datetime.now()`; `freeze()` pins it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

_frozen: datetime | None = None


def now() -> datetime:
    """The current time, aware, in UTC (or the frozen time in tests)."""
    return _frozen if _frozen is not None else datetime.now(UTC)


def set_frozen(moment: datetime | None) -> None:
    """Pin `now()` to `moment` (aware; naive is taken as UTC); `None` lets time run again."""
    global _frozen
    if moment is not None and moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    _frozen = moment


@contextmanager
def freeze(moment: datetime) -> Iterator[datetime]:
    """`with freeze(datetime(2026, 1, 2, tzinfo=UTC)):` -- `now()` returns `moment` inside."""
    previous = _frozen
    set_frozen(moment)
    try:
        yield moment
    finally:
        set_frozen(previous)
