"""JobFilter: one description of "which jobs", sent two ways.

``to_query()`` gives the ``GET /v6/jobs/`` query (singular names, repeated keys, never
comma-joined). ``to_action_body()`` gives the cancel/requeue body, which real Scale reads with
*plural* names and a *single* status (docs/scale.md §1 E7/E8). Both use the same time encoding: UTC
with ``Z``, and durations in Scale's own grammar meaning "now minus".
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, field_validator, model_validator

from scale_tui.api.errors import InvalidFilter
from scale_tui.api.models import ERROR_CATEGORIES, JOB_STATUSES
from scale_tui.api.timefmt import format_duration, format_timestamp, humanize_duration, parse_time

TimeValue = datetime | timedelta | None

_LISTS = (
    "status", "job_id", "job_type_id", "job_type_name", "error_category", "error_id",
    "batch_id", "recipe_id", "source_sensor_class", "source_sensor", "source_collection",
    "source_task", "order",
)  # fmt: skip
_TIMES = ("started", "ended", "source_started", "source_ended")
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


class JobFilter(BaseModel):
    """Every query parameter of ``GET /v6/jobs/``. Empty lists and ``None`` mean "no filter".

    ``started``/``ended`` restrict ``last_modified`` (not the job's run time, docs/scale.md D3);
    a ``timedelta`` means "now minus", evaluated by the server at request time. Strings are
    accepted and read with ``parse_time``. Statuses and error categories are upper-cased and
    checked, because Scale matches them case-sensitively and silently returns nothing otherwise.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True, defer_build=True)

    status: list[str] = []
    job_id: list[int] = []
    job_type_id: list[int] = []
    job_type_name: list[str] = []
    error_category: list[str] = []
    error_id: list[int] = []
    batch_id: list[int] = []
    recipe_id: list[int] = []
    source_sensor_class: list[str] = []
    source_sensor: list[str] = []
    source_collection: list[str] = []
    source_task: list[str] = []
    order: list[str] = []
    is_superseded: bool | None = None
    started: TimeValue = None
    ended: TimeValue = None
    source_started: TimeValue = None
    source_ended: TimeValue = None

    parse_time = staticmethod(parse_time)

    def __init__(self, **data: Any) -> None:
        try:
            super().__init__(**data)
        except ValidationError as exc:
            raise InvalidFilter(_first_problem(exc)) from None

    def __setattr__(self, name: str, value: Any) -> None:
        try:
            super().__setattr__(name, value)
        except ValidationError as exc:
            raise InvalidFilter(_first_problem(exc)) from None

    def replace(self, **changes: Any) -> JobFilter:
        """A copy with ``changes`` applied and validated (``model_copy`` would not validate)."""
        return JobFilter(**{**self.model_dump(), **changes})

    @field_validator(*_LISTS, mode="before")
    @classmethod
    def _one_value_is_a_list(cls, value: Any) -> Any:
        if isinstance(value, str | int):
            return [value]
        return [] if value is None else value

    @field_validator("status")
    @classmethod
    def _known_status(cls, value: list[str]) -> list[str]:
        return _checked(value, JOB_STATUSES, "status")

    @field_validator("error_category")
    @classmethod
    def _known_category(cls, value: list[str]) -> list[str]:
        return _checked(value, ERROR_CATEGORIES, "error_category")

    @field_validator("order")
    @classmethod
    def _order_is_one_field_each(cls, value: list[str]) -> list[str]:
        for item in value:
            # Real Scale answers a malformed ordering with a 500 HTML page (docs/scale.md §3.3).
            if not item.strip() or "," in item or " " in item.strip():
                raise InvalidFilter(f"order: {item!r} is not one field name (repeat order instead)")
        return [item.strip() for item in value]

    @field_validator(*_TIMES, mode="before")
    @classmethod
    def _read_time(cls, value: Any, info: Any) -> Any:
        if isinstance(value, str):
            return parse_time(value, field=info.field_name)
        if isinstance(value, datetime) and value.tzinfo is None:
            raise InvalidFilter(f"{info.field_name}: datetime has no timezone")
        if isinstance(value, timedelta) and value < timedelta(0):
            raise InvalidFilter(f"{info.field_name}: negative durations are not accepted")
        return value

    @model_validator(mode="after")
    def _ranges_in_order(self) -> JobFilter:
        _check_range(self.started, self.ended, "started", "ended")
        _check_range(self.source_started, self.source_ended, "source_started", "source_ended")
        return self

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


def _alternatives(values: list[Any], shown: int = 8) -> str:
    """``A``, ``A or B``, ``A, B or C``; long lists end with ``(+N more)``."""
    words = [str(v) for v in values[:shown]]
    text = words[0] if len(words) == 1 else ", ".join(words[:-1]) + " or " + words[-1]
    return text + (f" (+{len(values) - shown} more)" if len(values) > shown else "")


def _first_problem(exc: ValidationError) -> str:
    """One line naming the field and what is wrong with it."""
    error = exc.errors()[0]
    cause = (error.get("ctx") or {}).get("error")
    if isinstance(cause, InvalidFilter):
        return str(cause)
    field = ".".join(str(p) for p in error["loc"] if not isinstance(p, int)) or "filter"
    return f"{field}: {error['msg']} (got {error.get('input')!r})"


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
