"""Request parameters parsed exactly as Scale's ``util/rest.py`` parses them, with its messages.

Every helper looks in the query string first, then in the JSON body, as Scale does; a JSON
``null`` is the same as leaving the parameter out (``_get_param`` / ``_get_param_list`` in
``scale/util/rest.py`` treat ``None`` as absent). A failure raises ``BadParameter``, which the
app turns into 400 ``{"detail": ...}``.

Unlike Scale, a value of the wrong JSON type (a list where a string belongs, an object in an
id list) is refused here with a 400, at request time: Scale passes it on to a query or a
command message that then fails later (server_stub/README.md lists these differences).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, timezone

from server_stub.store.timefmt import now_us, to_us


class APIError(Exception):
    """Any DRF ``APIException``: a status and a ``detail`` text."""

    def __init__(self, status: int, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.detail = detail


class BadParameter(APIError):
    def __init__(self, detail: str) -> None:
        super().__init__(400, detail)


class NotFound(APIError):
    def __init__(self, detail: str = "Not found.") -> None:
        super().__init__(404, detail)


_MISSING = object()
_NUM = r"(\d+(?:\.\d+)?)"
# Scale's duration grammar: days, hours, minutes, seconds only; no years, months or weeks.
DURATION_RE = re.compile(rf"^P(?:{_NUM}D)?(?:T(?:{_NUM}H)?(?:{_NUM}M)?(?:{_NUM}S)?)?$")
# Django 1.11 ``dateparse.datetime_re`` (matched from the start, anchored at the end).
DATETIME_RE = re.compile(
    r"(?P<year>\d{4})-(?P<month>\d{1,2})-(?P<day>\d{1,2})"
    r"[T ](?P<hour>\d{1,2}):(?P<minute>\d{1,2})"
    r"(?::(?P<second>\d{1,2})(?:\.(?P<microsecond>\d{1,6})\d{0,6})?)?"
    r"(?P<tzinfo>Z|[+-]\d{2}(?::?\d{2})?)?$")


def parse_iso_timestamp(value: str) -> datetime | None:
    """Scale's absolute timestamp: a timezone (``Z`` or ``+``) is mandatory."""
    if "Z" not in value and "+" not in value:
        return None
    m = DATETIME_RE.match(value)
    if not m or not m.group("tzinfo"):
        return None
    g = m.groupdict()
    tz = g.pop("tzinfo")
    if tz == "Z":
        tzinfo = UTC
    else:
        minutes = int(tz[-2:]) if len(tz) > 3 else 0
        offset = 60 * int(tz[1:3]) + minutes
        tzinfo = timezone(timedelta(minutes=-offset if tz[0] == "-" else offset))
    if g["microsecond"]:
        g["microsecond"] = g["microsecond"].ljust(6, "0")
    try:
        return datetime(**{k: int(v) for k, v in g.items() if v is not None}, tzinfo=tzinfo)
    except ValueError:
        return None


def parse_iso_duration(value: str) -> timedelta | None:
    m = DURATION_RE.match(value)
    if not m:
        return None
    d, h, mi, s = (float(x) if x else 0.0 for x in m.groups())
    try:
        return timedelta(days=d, hours=h, minutes=mi, seconds=s)
    except OverflowError:  # more days than timedelta holds; Scale's bare except makes it a 400
        return None


class Params:
    """The query string (a multi-dict) and the JSON body of one request."""

    def __init__(self, query: list[tuple[str, str]], body: dict | None = None) -> None:
        self.query: dict[str, list[str]] = {}
        for key, value in query:
            self.query.setdefault(key, []).append(value)
        self.body = body if isinstance(body, dict) else {}

    def _get(self, name: str):
        if name in self.query:
            return self.query[name][-1]  # QueryDict.get returns the last value
        value = self.body.get(name)
        return _MISSING if value is None else value

    def _get_list(self, name: str) -> list:
        if name in self.query:
            return self.query[name]
        value = self.body.get(name)
        if value is None:
            return []
        return value if isinstance(value, list) else [value]

    def has(self, name: str) -> bool:
        return name in self.query or self.body.get(name) is not None

    def string(self, name: str, default=None, accepted: list[str] | None = None,
               required: bool = False):
        value = self._get(name)
        if value is _MISSING:
            if required:
                raise BadParameter(f'Missing required parameter: "{name}"')
            return default
        if not isinstance(value, str):
            raise BadParameter(f'Parameter must be a string: "{name}"')
        if accepted and value and value not in accepted:
            raise BadParameter(f'Parameter "{name}" values must be one of: {_py2_repr(accepted)}')
        return value

    def string_list(self, name: str, accepted: list[str] | None = None) -> list:
        values = self._get_list(name)
        for value in values:
            if not isinstance(value, str):
                raise BadParameter(f'Parameter must be a list of strings: "{name}"')
            if accepted and value not in accepted:
                raise BadParameter(
                    f'Parameter "{name}" values must be one of: {_py2_repr(accepted)}')
        return values

    def int(self, name: str, default=None, required: bool = False):
        value = self._get(name)
        if value is _MISSING:
            if required:
                raise BadParameter(f'Missing required parameter: "{name}"')
            return default
        if isinstance(value, str):
            return _to_int(value, name)
        if isinstance(value, bool) or not isinstance(value, int):
            # Scale lets any other JSON type through unvalidated; the stub refuses it.
            raise BadParameter(f'Parameter must be a valid integer: "{name}"')
        return _to_int(value, name)

    def int_list(self, name: str) -> list[int]:
        out = []
        for value in self._get_list(name):
            if isinstance(value, bool) or not isinstance(value, (int, str)):
                raise BadParameter(f'Parameter must be a valid integer: "{name}"')
            out.append(_to_int(value, name))
        return out

    def bool(self, name: str, default=None):
        value = self._get(name)
        if value is _MISSING:
            return default
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("true", "t", "1"):
            return True
        if text in ("false", "f", "0"):
            return False
        raise BadParameter(f'Parameter must be a valid boolean: "{name}"')

    def dict(self, name: str, default=None, required: bool = False):
        value = self._get(name)
        if value is _MISSING:
            if required:
                raise BadParameter(f'Missing required parameter: "{name}"')
            return default
        if not isinstance(value, dict):
            raise BadParameter(f'Parameter must be a valid JSON object: "{name}"')
        return value

    def timestamp(self, name: str) -> int | None:
        """Microseconds; a value starting with ``P`` is a duration before now."""
        value = self._get(name)
        if value is _MISSING:
            return None
        if not isinstance(value, str):
            raise BadParameter(f"Invalid ISO timestamp format for parameter: {name}")
        if value.startswith("P"):
            # util/parse.py parse_timestamp: ``timezone.now() - duration``; a datetime before
            # year 1 overflows there and rest.py's bare ``except`` turns that into this 400.
            duration = parse_iso_duration(value)
            if duration is None or duration > datetime.now(UTC) - datetime.min.replace(tzinfo=UTC):
                raise BadParameter(f"Invalid ISO timestamp format for parameter: {name}")
            return now_us() - int(duration.total_seconds() * 1_000_000)
        parsed = parse_iso_timestamp(value)
        if parsed is None:
            raise BadParameter(f"Invalid ISO timestamp format for parameter: {name}")
        return to_us(parsed)

    def time_range(self, start: str = "started", end: str = "ended"):
        started, ended = self.timestamp(start), self.timestamp(end)
        if started is not None and ended is not None:
            if started == ended:
                raise BadParameter("Start and end values must be different")
            if started > ended:
                raise BadParameter("Start time must come before end time")
        return started, ended


MAX_INT = 2**63 - 1  # SQLite's (and PostgreSQL's bigint) range


def _to_int(value: str | int, name: str) -> int:
    try:
        number = int(value)
    except ValueError:
        raise BadParameter(f'Parameter must be a valid integer: "{name}"') from None
    if not -MAX_INT <= number <= MAX_INT:
        raise BadParameter(f'Parameter must be a valid integer: "{name}"')
    return number


def _py2_repr(values: list[str]) -> str:
    return "[" + ", ".join(f"u'{v}'" for v in values) + "]"
