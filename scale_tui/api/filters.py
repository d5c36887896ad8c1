"""JobFilter: one description of "which jobs", sent two ways.

``to_query()`` gives the ``GET /v6/jobs/`` query (singular names, repeated keys, never
comma-joined). ``to_action_body()`` gives the cancel/requeue body, which real Scale reads with
*plural* names and a *single* status (docs/scale.md §1 E7/E8). Both use the same time encoding: UTC
with ``Z``, and durations in Scale's own grammar meaning "now minus".
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from scale_tui.api.errors import InvalidFilter
from scale_tui.api.models import ERROR_CATEGORIES, JOB_STATUSES
from scale_tui.api.numbers import whole_number
from scale_tui.api.timefmt import format_duration, format_timestamp, humanize_duration, parse_time

TimeValue = datetime | timedelta | None

_LISTS = (
    "status", "job_id", "job_type_id", "job_type_name", "error_category", "error_id",
    "batch_id", "recipe_id", "source_sensor_class", "source_sensor", "source_collection",
    "source_task", "order",
)  # fmt: skip
_TIMES = ("started", "ended", "source_started", "source_ended")
_FIELDS = (*_LISTS, "is_superseded", *_TIMES)
# GET name -> cancel/requeue body name (scale/job/views.py CancelJobsView, RequeueJobsView).
_BODY_NAMES = {
    "job_id": "job_ids",
    "job_type_id": "job_type_ids",
    "job_type_name": "job_type_names",
    "error_category": "error_categories",
    "error_id": "error_ids",
    "batch_id": "batch_ids",
    "recipe_id": "recipe_ids",
}
_NOT_IN_BODY = ("source_sensor_class", "source_sensor", "source_collection", "source_task",
                "source_started", "source_ended")  # fmt: skip
_WORDS = {
    "status": "status", "job_id": "job", "job_type_id": "job type id",
    "job_type_name": "job type", "error_category": "error category", "error_id": "error id",
    "batch_id": "batch", "recipe_id": "recipe", "source_sensor_class": "sensor class",
    "source_sensor": "sensor", "source_collection": "collection", "source_task": "task",
}  # fmt: skip


class JobFilter:
    """Every query parameter of ``GET /v6/jobs/``. Empty lists and ``None`` mean "no filter".

    ``started``/``ended`` restrict ``last_modified`` (not the job's run time, docs/scale.md D3);
    a ``timedelta`` means "now minus", evaluated by the server at request time. Strings are
    accepted and read with ``parse_time``. Statuses and error categories are upper-cased and
    checked, because Scale matches them case-sensitively and silently returns nothing otherwise.

    A plain class (issue 15: a script pays no pydantic). Every value, given to the constructor
    or assigned later, is read by ``_validated``, the one place of the rules; a value that
    cannot be honoured raises ``InvalidFilter`` naming the field, and a failed assignment leaves
    the filter as it was.
    """

    status: list[str]
    job_id: list[int]
    job_type_id: list[int]
    job_type_name: list[str]
    error_category: list[str]
    error_id: list[int]
    batch_id: list[int]
    recipe_id: list[int]
    source_sensor_class: list[str]
    source_sensor: list[str]
    source_collection: list[str]
    source_task: list[str]
    order: list[str]
    is_superseded: bool | None
    started: TimeValue
    ended: TimeValue
    source_started: TimeValue
    source_ended: TimeValue

    __slots__ = _FIELDS

    parse_time = staticmethod(parse_time)

    def __init__(self, **values: Any) -> None:
        for name, value in _validated(values).items():
            object.__setattr__(self, name, value)

    def __setattr__(self, name: str, value: Any) -> None:
        if name not in _FIELDS:
            raise InvalidFilter(_unknown(name))
        for key, valid in _validated({**self.model_dump(), name: value}).items():
            object.__setattr__(self, key, valid)

    def replace(self, **changes: Any) -> JobFilter:
        """A copy with ``changes`` applied and validated."""
        return JobFilter(**{**self.model_dump(), **changes})

    def model_dump(self, *, mode: str = "python") -> dict[str, Any]:
        """The fields by name (lists copied). ``mode="json"``: times as the text sent to Scale
        (``...Z``, ``PT6H``), which ``JobFilter(**dump)`` reads back to an equal filter."""
        values = {name: getattr(self, name) for name in _FIELDS}
        for name in _LISTS:
            values[name] = list(values[name])
        if mode == "json":
            for name in _TIMES:
                if values[name] is not None:
                    values[name] = _time_param(values[name])
        return values

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, JobFilter):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in _FIELDS)

    __hash__ = None  # type: ignore[assignment]  (equal by value, and holds lists)

    def __repr__(self) -> str:
        fields = ", ".join(f"{name}={getattr(self, name)!r}" for name in _FIELDS)
        return f"JobFilter({fields})"

    def __reduce__(self) -> tuple[Any, ...]:
        # copy, deepcopy and pickle rebuild through the rules (the slots' default protocol
        # would set them one by one through __setattr__ on an empty object).
        return _from_fields, (self.model_dump(),)

    def to_query(self) -> list[tuple[str, str]]:
        """Query pairs for ``GET /v6/jobs/``: one pair per value, keys repeated."""
        pairs: list[tuple[str, str]] = []
        for name in _LISTS:
            pairs.extend((name, str(v)) for v in getattr(self, name))
        if self.is_superseded is not None:
            pairs.append(("is_superseded", "true" if self.is_superseded else "false"))
        for name in _TIMES:
            value = getattr(self, name)
            if value is not None:
                pairs.append((name, _time_param(value)))
        return pairs

    def to_action_body(self) -> dict[str, Any]:
        """The JSON body for ``POST /v6/jobs/cancel/`` and ``/requeue/`` matching this filter.

        Raises ``InvalidFilter`` naming the field when the body cannot say the same thing:
        several statuses (Scale takes one) or any ``source_*`` field (Scale ignores them there,
        so the action would touch more jobs than the list showed). ``order`` is irrelevant.
        """
        if len(self.status) > 1:
            raise InvalidFilter(
                "status: cancel/requeue accept a single status, not "
                + ", ".join(self.status)
                + "; act on one status at a time"
            )
        for name in _NOT_IN_BODY:
            if getattr(self, name):
                raise InvalidFilter(
                    f"{name}: cancel/requeue cannot filter on source fields; "
                    "remove it, or act on marked jobs by id"
                )
        body: dict[str, Any] = {}
        if self.status:
            body["status"] = self.status[0]
        for name, plural in _BODY_NAMES.items():
            if getattr(self, name):
                body[plural] = list(getattr(self, name))
        if self.is_superseded is not None:
            body["is_superseded"] = self.is_superseded
        for name in ("started", "ended"):
            value = getattr(self, name)
            if value is not None:
                body[name] = _time_param(value)
        return body

    def is_empty(self) -> bool:
        """True when nothing restricts which jobs match (``order`` does not restrict)."""
        return not any(getattr(self, n) for n in _LISTS if n != "order") and all(
            getattr(self, n) is None for n in ("is_superseded", *_TIMES)
        )

    def describe(self, tz: tzinfo = UTC) -> str:
        """The filter in words, for confirmations: ``status FAILED, job type sam, ...``; times
        in ``tz`` (the console's zone), each with its zone's name."""
        parts = [
            f"{_WORDS[name]} {_alternatives(getattr(self, name))}"
            for name in _LISTS
            if name != "order" and getattr(self, name)
        ]
        if self.is_superseded is not None:
            parts.append("superseded" if self.is_superseded else "not superseded")
        parts.extend(_describe_range("last modified", self.started, self.ended, tz))
        parts.extend(_describe_range("source", self.source_started, self.source_ended, tz))
        return ", ".join(parts) if parts else "every job"


def _from_fields(values: dict[str, Any]) -> JobFilter:
    return JobFilter(**values)


def _alternatives(values: list[Any], shown: int = 8) -> str:
    """``A``, ``A or B``, ``A, B or C``; long lists end with ``(+N more)``."""
    words = [str(v) for v in values[:shown]]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return text + (f" (+{len(values) - shown} more)" if len(values) > shown else "")


# ---- the rules: every value of a filter is read here, field by field in field order, then
# the ranges (Scale's check_time_range). Fail closed: what cannot be read raises, never a default.


def _validated(values: dict[str, Any]) -> dict[str, Any]:
    """Every field of a filter, read from ``values`` (absent: empty); raises ``InvalidFilter``
    naming the first field (in field order) that cannot be honoured."""
    valid: dict[str, Any] = {}
    for name in _LISTS:
        valid[name] = _LIST_RULES[name](name, _items(name, values.get(name)))
    valid["is_superseded"] = _yes_no("is_superseded", values.get("is_superseded"))
    for name in _TIMES:
        valid[name] = _time(name, values.get(name))
    for name in values:
        if name not in valid:
            raise InvalidFilter(_unknown(name))
    _check_range(valid["started"], valid["ended"], "started", "ended")
    _check_range(valid["source_started"], valid["source_ended"], "source_started",
                 "source_ended")
    return valid


def _unknown(name: str) -> str:
    return f"{name}: not a job filter field; one of {', '.join(_FIELDS)}"


def _items(name: str, value: Any) -> list[Any]:
    """One value or several: ``"FAILED"`` and ``["FAILED"]`` alike; ``None`` is none."""
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset | Iterator):
        return list(value)
    if isinstance(value, str | int):
        return [value]
    raise InvalidFilter(f"{name}: expected a value or a list of values (got {value!r})")


def _ids(name: str, values: list[Any]) -> list[int]:
    """Whole numbers; text of ASCII digits (``"7"``, api/numbers.py's rule) too. Not ``True``,
    not ``7.5``, not ``"1_000"``."""
    ids = []
    for value in values:
        if isinstance(value, float) and value.is_integer():
            number: int | None = int(value)
        elif isinstance(value, str):
            number = whole_number(value.strip())
        else:
            number = int(value) if isinstance(value, int) and not isinstance(value, bool) else None
        if number is None:
            raise InvalidFilter(f"{name}: not a whole number (got {value!r})")
        ids.append(number)
    return ids


def _texts(name: str, values: list[Any]) -> list[str]:
    for value in values:
        if not isinstance(value, str):
            raise InvalidFilter(f"{name}: not text (got {value!r})")
    return [str(value) for value in values]


def _statuses(name: str, values: list[Any]) -> list[str]:
    return _checked(_texts(name, values), JOB_STATUSES, name)


def _categories(name: str, values: list[Any]) -> list[str]:
    return _checked(_texts(name, values), ERROR_CATEGORIES, name)


def _orders(name: str, values: list[Any]) -> list[str]:
    for item in _texts(name, values):
        # Real Scale answers a malformed ordering with a 500 HTML page (docs/scale.md §3.3).
        if not item.strip() or "," in item or " " in item.strip():
            raise InvalidFilter(f"order: {item!r} is not one field name (repeat order instead)")
    return [item.strip() for item in values]


_LIST_RULES = {
    name: _ids if name.endswith("_id") else _texts for name in _LISTS
} | {"status": _statuses, "error_category": _categories, "order": _orders}

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _yes_no(name: str, value: Any) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    raise InvalidFilter(f"{name}: not true or false (got {value!r})")


def _time(name: str, value: Any) -> TimeValue:
    """A time bound: text read by ``parse_time``, an aware datetime, or a duration ago."""
    if value is None:
        return None
    if isinstance(value, str):
        return parse_time(value, field=name)
    if isinstance(value, datetime):
        if value.utcoffset() is None:
            raise InvalidFilter(f"{name}: datetime has no timezone")
        return value
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise InvalidFilter(f"{name}: negative durations are not accepted")
        return value
    # A number is not read as seconds or as a Unix time: which one was meant cannot be known.
    raise InvalidFilter(
        f"{name}: expected a datetime with a timezone, a duration, or text such as PT1H or "
        f"2026-01-31T12:00:00Z (got {value!r})"
    )


def _checked(values: list[str], known: tuple[str, ...], field: str) -> list[str]:
    upper = [v.strip().upper() for v in values]
    for original, value in zip(values, upper, strict=True):
        if value not in known:
            raise InvalidFilter(f"{field}: unknown value {original!r}; one of {', '.join(known)}")
    return upper


def _time_param(value: datetime | timedelta) -> str:
    return format_duration(value) if isinstance(value, timedelta) else format_timestamp(value)


def _check_range(start: TimeValue, end: TimeValue, start_name: str, end_name: str) -> None:
    # Scale's check_time_range; comparable only when both are absolute or both relative.
    if start is None or end is None or type(start) is not type(end):
        return
    # A larger "ago" is earlier, so relative values compare the other way round.
    earlier = start < end if isinstance(start, datetime) else start > end
    if start == end:
        raise InvalidFilter(f"{start_name} and {end_name} must be different")
    if not earlier:
        raise InvalidFilter(f"{start_name} must come before {end_name}")


def _describe_range(what: str, start: TimeValue, end: TimeValue, tz: tzinfo) -> list[str]:
    def words(value: datetime | timedelta) -> str:
        if isinstance(value, timedelta):
            return f"{humanize_duration(value)} ago"
        local = value.astimezone(tz)
        return local.strftime("%Y-%m-%d %H:%M:%S ") + (local.tzname() or "UTC")

    if isinstance(start, timedelta) and end is None:
        return [f"{what} in the last {humanize_duration(start)}"]
    parts = []
    if start is not None:
        parts.append(f"{what} since {words(start)}")
    if end is not None:
        parts.append(f"{what} until {words(end)}")
    return parts
