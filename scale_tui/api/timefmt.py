"""Timestamps and durations the way Scale parses them (docs/scale.md §0.1, ``parse_timestamp``).

Also the one reader of what a person types for a time (``1h``, ``7d``, ``PT30M``, a datetime) and
the one writer of a duration in words, shared by the console and the scripts: this is the lowest
layer that needs them (``JobFilter`` parses and describes with them).

Scale accepts, for every ``started``/``ended``/``source_*`` parameter, either an ISO-8601
datetime that carries ``Z`` or ``+`` (a ``-05:00`` offset is refused, and a ``+`` left
unencoded in a query becomes a space), or a duration ``P[nD][T[nH][nM][nS]]`` meaning "now minus".
We always send UTC with ``Z`` and durations in exactly that grammar.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from scale_tui.api.errors import InvalidFilter

# Scale's own grammar (scale/util/parse.py): days, hours, minutes, seconds, decimals allowed.
_SCALE_DURATION = re.compile(
    r"^P(?:(?P<days>\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(?P<hours>\d+(?:\.\d+)?)H)?(?:(?P<minutes>\d+(?:\.\d+)?)M)?"
    r"(?:(?P<seconds>\d+(?:\.\d+)?)S)?)?$"
)
# Shorthands a person types: 30s, 15m, 6h, 7d, 1.5h.
_SHORTHAND = re.compile(r"^(?P<n>\d+(?:\.\d+)?)\s*(?P<unit>[smhd])$")
_SHORT_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}
_TOO_LONG = re.compile(r"^\d+(?:\.\d+)?\s*(?P<unit>w|wk|weeks?|mo|mon|months?|y|yr|years?)$")
# Django's datetime regex: date, T or space, hh:mm[:ss[.f]], optional zone.
_DATETIME = re.compile(
    r"^\d{4}-\d{1,2}-\d{1,2}[T ]\d{1,2}:\d{1,2}(?::\d{1,2}(?:[.,]\d{1,12})?)?"
    r"(?P<tz>Z|[+-]\d{2}(?::?\d{2})?)?$"
)


def parse_time(text: str, *, field: str = "time") -> datetime | timedelta:
    """Read a user's time value: an aware datetime, or a duration meaning "that long ago".

    Accepts ISO-8601 durations in Scale's grammar (``PT1H``, ``P1D``, ``PT0.5H``), shorthands
    (``1h``, ``7d``) and datetimes with a timezone (``Z``, ``+02:00`` or ``-05:00``; the last is
    converted to UTC, since we always send ``Z``). Raises ``InvalidFilter`` naming the problem.
    """
    value = text.strip()
    if not value:
        raise InvalidFilter(f"{field}: empty value; give a duration such as PT1H or a datetime")
    if value.startswith("-"):
        raise InvalidFilter(f"{field}: negative durations are not accepted by Scale: {value!r}")
    short = _SHORTHAND.match(value.lower())
    if short:
        return timedelta(**{_SHORT_UNITS[short["unit"]]: float(short["n"])})
    too_long = _TOO_LONG.match(value.lower())
    if too_long:
        unit = {"w": "weeks", "m": "months", "y": "years"}[too_long["unit"][0]]
        raise InvalidFilter(
            f"{field}: {unit} are not accepted by Scale; use days, e.g. 14d or P14D"
        )
    if value[0] in "pP":
        return _parse_duration(value.upper(), field)
    return _parse_datetime(value, field)


def _parse_duration(value: str, field: str) -> timedelta:
    match = _SCALE_DURATION.match(value)
    if match:
        parts = {k: float(v) for k, v in match.groupdict().items() if v is not None}
        return timedelta(**parts)
    date_part = value.split("T", 1)[0]
    if "W" in value:
        hint = "weeks are not accepted by Scale; use days, e.g. P7D"
    elif "Y" in date_part:
        hint = "years are not accepted by Scale; use days, e.g. P365D"
    elif "M" in date_part:
        hint = "months are not accepted by Scale; use days, e.g. P30D"
    else:
        hint = "expected P[nD][T[nH][nM][nS]], e.g. PT1H, P1D, PT0.5H"
    raise InvalidFilter(f"{field}: invalid duration {value!r}: {hint}")


def _parse_datetime(value: str, field: str) -> datetime:
    match = _DATETIME.match(value)
    if not match:
        raise InvalidFilter(
            f"{field}: invalid datetime {value!r}: expected e.g. 2026-01-31T12:00:00Z "
            "(date, time and timezone) or a duration such as PT1H"
        )
    if not match["tz"]:
        raise InvalidFilter(
            f"{field}: {value!r} has no timezone; Scale requires one: add Z for UTC"
        )
    try:
        parsed = datetime.fromisoformat(value.replace(",", ".").replace("z", "Z"))
    except ValueError as exc:
        raise InvalidFilter(f"{field}: invalid datetime {value!r}: {exc}") from None
    return parsed.astimezone(UTC)


def format_timestamp(value: datetime) -> str:
    """UTC with ``Z``, microseconds only when non-zero (as Scale itself prints)."""
    if value.tzinfo is None:
        raise InvalidFilter(f"datetime {value.isoformat()} has no timezone")
    utc = value.astimezone(UTC)
    text = utc.strftime("%Y-%m-%dT%H:%M:%S")
    if utc.microsecond:
        text += f".{utc.microsecond:06d}"
    return text + "Z"


def format_duration(value: timedelta) -> str:
    """ISO-8601 in Scale's grammar: ``P1DT2H30M``, ``PT0.5S``; zero is ``PT0S``."""
    if value < timedelta(0):
        raise InvalidFilter(f"negative duration {value} cannot be sent to Scale")
    days = value.days
    seconds = value.seconds
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    text = "P" + (f"{days}D" if days else "")
    clock = (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    if seconds or value.microseconds:
        frac = f"{seconds}.{value.microseconds:06d}".rstrip("0").rstrip(".")
        clock += f"{frac}S"
    if clock:
        text += "T" + clock
    return text if text != "P" else "PT0S"


def humanize_duration(value: timedelta, *, units: int | None = None) -> str:
    """A duration in words: the one formatter the console, the scripts and ``describe`` share.

    ``units=None``: every non-zero unit, as a person writes it (``1h``, ``1d 6h``, ``1m 30s``,
    ``0.5s``). ``units=2``: the two largest from the first non-zero one, the second zero-padded,
    whole seconds, so a table column stays aligned (``43s``, ``5m 03s``, ``1h 00m``, ``3d 04h``).
    Negative spans (clock skew) are ``0s``.
    """
    seconds = max(0.0, value.total_seconds())
    if units is None and seconds < 60:
        return f"{seconds:g}s"
    total = int(seconds)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes, secs = divmod(rest, 60)
    parts = [(days, "d"), (hours, "h"), (minutes, "m"), (secs, "s")]
    first = next((i for i, (n, _) in enumerate(parts) if n), len(parts) - 1)
    if units is None:
        return " ".join(f"{n}{u}" for n, u in parts[first:] if n)
    shown = parts[first:first + units]
    return " ".join(f"{n:02d}{u}" if i else f"{n}{u}" for i, (n, u) in enumerate(shown))
