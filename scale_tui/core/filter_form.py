"""What the operator typed into the jobs filters, and how it becomes a Scale query.

`FilterForm` is plain, JSON-able data: it is what the filter bar edits, what `scale_tui.core.state`
saves per profile, and what `to_job_filter` turns into a `JobFilter`. Keeping the typed text (not
the parsed value) means nothing the user typed is lost, even when it does not parse yet.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field, fields, replace
from datetime import UTC, timedelta, tzinfo
from typing import Any

from scale_tui.api import InvalidFilter, JobFilter
from scale_tui.api.numbers import whole_number

# Rolling windows on last_modified: sent as ISO-8601 durations, which Scale evaluates as
# "now minus" at request time, so a preset keeps rolling forward on every refresh.
WINDOW_PRESETS: dict[str, timedelta | None] = {
    "all": None,
    "1h": timedelta(hours=1),
    "6h": timedelta(hours=6),
    "24h": timedelta(hours=24),
    "7d": timedelta(days=7),
}
SUPERSEDED_CHOICES = ("all", "no", "yes")
SOURCE_FIELDS = ("source_sensor_class", "source_sensor", "source_collection", "source_task")
DEFAULT_ORDER = "-last_modified"


class FormErrors(ValueError):
    """One message per form field that cannot become a query; nothing is sent until it is empty."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__("; ".join(f"{name}: {msg}" for name, msg in errors.items()))


@dataclass(frozen=True)
class FilterForm:
    """The jobs screen's server-side filters, as typed."""

    statuses: tuple[str, ...] = ()
    job_type_name: str = ""
    window: str = "all"
    error_category: str = ""
    batch_id: str = ""
    recipe_id: str = ""
    superseded: str = "all"
    source_sensor_class: str = ""
    source_sensor: str = ""
    source_collection: str = ""
    source_task: str = ""
    # Set by a jump (triage opens one group); not in the panel, shown in the summary, x clears.
    job_type_id: str = ""
    error_id: str = ""
    order: str = DEFAULT_ORDER
    extra: dict[str, Any] = field(default_factory=dict, compare=False, repr=False)

    def with_changes(self, **changes: Any) -> FilterForm:
        return replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data.pop("extra")
        data["statuses"] = list(self.statuses)
        return data

    @classmethod
    def from_dict(cls, data: Any) -> FilterForm:
        """Rebuild from saved state; anything unreadable falls back to its default."""
        if not isinstance(data, dict):
            return cls()
        known = {f.name for f in fields(cls)} - {"extra"}
        values: dict[str, Any] = {}
        for name in known:
            value = data.get(name)
            if name == "statuses":
                if isinstance(value, list | tuple):
                    values[name] = tuple(str(s) for s in value if isinstance(s, str))
            elif isinstance(value, str):
                values[name] = value
        form = cls(**values)
        if form.superseded not in SUPERSEDED_CHOICES:
            form = form.with_changes(superseded="all")
        return form.with_changes(order=form.order or DEFAULT_ORDER)


def parse_window(text: str) -> tuple[Any, Any]:
    """`(started, ended)` for the last_modified window: a preset, `90m`, an ISO-8601 duration or
    datetime, or an interval `START/END`. Raises `InvalidFilter` naming what is wrong."""
    text = text.strip()
    if not text or text.lower() in WINDOW_PRESETS:
        return WINDOW_PRESETS.get(text.lower() or "all"), None
    if "/" in text:
        start_text, _, end_text = text.partition("/")
        start, end = _time(start_text, "start"), _time(end_text, "end")
        try:
            JobFilter(started=start, ended=end)  # Scale's range rule, api/filters.py
        except InvalidFilter as exc:
            raise InvalidFilter(f"the window must start before it ends ({exc})") from None
        return start, end
    return _time(text, "since"), None


def _time(text: str, what: str) -> Any:
    """One end of the window, read by the one time parser (`JobFilter.parse_time`: shorthands
    such as 90m or 7d, ISO-8601 durations, datetimes with a zone)."""
    if not text.strip():
        raise InvalidFilter(f"the {what} of the window is empty")
    value = JobFilter.parse_time(text.strip())
    if isinstance(value, timedelta) and not value:
        raise InvalidFilter("the time window must be longer than 0")
    return value


def parse_ids(text: str, label: str) -> list[int]:
    """`12, 13 14` -> [12, 13, 14]; raises `InvalidFilter` naming the bad value."""
    ids = []
    for token in re.split(r"[\s,]+", text.strip()):
        if not token:
            continue
        number = whole_number(token)
        if number is None:
            raise InvalidFilter(f"{label} must be whole numbers, not {token!r}")
        ids.append(number)
    return ids


def order_values(order: str) -> list[str]:
    """Scale's `order` list for a sort choice, with the job id as a tie-breaker so pages do not
    shuffle between refreshes. Scale ignores every value after `duration` or `job_type`."""
    if order.lstrip("-") in ("duration", "job_type", "id"):
        return [order]
    return [order, "-id"]


def to_job_filter(form: FilterForm) -> JobFilter:
    """The query for `form`; raises `FormErrors` with one message per bad field."""
    errors: dict[str, str] = {}
    values: dict[str, Any] = {"order": order_values(form.order or DEFAULT_ORDER)}
    if form.statuses:
        values["status"] = list(form.statuses)
    if form.job_type_name.strip():
        values["job_type_name"] = [form.job_type_name.strip()]
    if form.error_category:
        values["error_category"] = [form.error_category]
    try:
        values["started"], values["ended"] = parse_window(form.window)
    except InvalidFilter as exc:
        errors["window"] = str(exc)
    for name, label in (("batch_id", "batch id"), ("recipe_id", "recipe id"),
                        ("job_type_id", "job type id"), ("error_id", "error id")):
        try:
            if ids := parse_ids(getattr(form, name), label):
                values[name] = ids
        except InvalidFilter as exc:
            errors[name] = str(exc)
    if form.superseded != "all":
        values["is_superseded"] = form.superseded == "yes"
    for name in SOURCE_FIELDS:
        if text := getattr(form, name).strip():
            values[name] = [text]
    if errors:
        raise FormErrors(errors)
    try:
        return JobFilter(**values)
    except InvalidFilter as exc:  # a rule across fields: still a message, never an exception
        raise FormErrors({"filter": str(exc)}) from None


def jump_form(form: FilterForm, **fields: str) -> tuple[FilterForm, dict[str, Any]]:
    """A jump to a batch or a recipe (`batch_id="12"`): the form that shows every job of it,
    whatever else was filtered, keeping only the sort; and the filters it replaced (the fields
    of `form` that were set and now are not, or differ), to say so."""
    jumped = FilterForm(order=form.order, **fields)
    default = FilterForm()
    replaced = {name: getattr(form, name) for name in form.to_dict()
                if name != "order" and getattr(form, name) != getattr(default, name)
                and getattr(form, name) != getattr(jumped, name)}
    return jumped, replaced


def describe_fields(fields: dict[str, Any], tz: tzinfo = UTC) -> str:
    """Form fields in the words of `JobFilter.describe` (`status FAILED, not superseded`); the
    bare field names when they do not make a valid filter."""
    if not fields:
        return ""
    try:
        return to_job_filter(FilterForm(**fields)).describe(tz)
    except (FormErrors, InvalidFilter):
        return ", ".join(f"{name.replace('_', ' ')} {value}" for name, value in fields.items())
