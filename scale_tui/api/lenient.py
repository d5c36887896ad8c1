"""Lenient validation for Scale payloads, strict about what the console needs.

Scale servers in the wild return older (v5) shapes, strings where numbers belong and nulls where
objects usually are. The console must show what it can read and never crash on the rest. So a
payload is first validated normally, all inside pydantic-core (a page of 100 jobs in a few ms);
only when that fails are the values that did not fit replaced by ``None`` (the innermost field
holding them, then its parent if that was not enough) and the payload validated again. Unknown
fields are kept. Only a required field missing or of the wrong type (a job without ``id``, a
page without ``results``) still fails: the response is then an error, never data.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.functional_validators import AfterValidator, BeforeValidator

from scale_tui.api.body import parse_json

T = TypeVar("T")
_MAX_ROUNDS = 8


def _as_utc(value: datetime | None) -> datetime | None:
    # Scale prints UTC with "Z"; a naive value can only have meant UTC too.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


Lenient = Annotated[T | None, "lenient"]
"""``T`` if the value fits, else ``None`` (see ``LenientValidation``)."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_text_only(value: object) -> object:
    # Scale writes times as ISO-8601 text. A number (or numeric text) would otherwise be read
    # as seconds since 1970 and shown as "1970-01-01", "run time 20788d": it is a misfit.
    if value is None or isinstance(value, datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value):
        return value
    raise ValueError("not an ISO-8601 time")


Timestamp = Annotated[datetime | None, BeforeValidator(_iso_text_only), AfterValidator(_as_utc)]
"""An aware datetime (naive ones taken as UTC), or ``None`` when absent, null or unreadable
(a number is unreadable: Scale's times are ISO-8601 text)."""


def read_timestamp(value: object) -> datetime | None:
    """A time from a raw payload (task results are kept as plain dicts), read by the same rule
    as a model's ``Timestamp``: ISO-8601 text only, aware UTC; ``None`` when it is not one."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        return _as_utc(datetime.fromisoformat(value.replace("Z", "+00:00")))
    except ValueError:
        return None


class LenientValidation(BaseModel):
    """``model_validate``/``model_validate_json`` that turn misfits into ``None`` (see above)."""

    model_config = ConfigDict(defer_build=True)

    @classmethod
    def model_validate(cls, obj: Any, **kwargs: Any) -> Self:
        try:
            return super().model_validate(obj, **kwargs)
        except ValidationError as exc:
            return cls._validate_without_misfits(obj, exc, kwargs)

    @classmethod
    def model_validate_json(cls, json_data: str | bytes | bytearray, **kwargs: Any) -> Self:
        try:
            return super().model_validate_json(json_data, **kwargs)
        except ValidationError:
            # Also covers invalid UTF-8, which must not cost the user the whole payload.
            # parse_json: one JSON parser for every body, depth-capped (api/body.py).
            return cls.model_validate(parse_json(json_data), **kwargs)

    @classmethod
    def _validate_without_misfits(cls, obj: Any, exc: ValidationError, kwargs: dict) -> Self:
        first, nulled = exc, set[tuple]()
        for _ in range(_MAX_ROUNDS):
            progress = False
            for error in exc.errors():
                path = _path_to_null(obj, error["loc"], nulled)
                if path is not None:
                    obj = _with_none_at(obj, path)
                    nulled.add(path)
                    progress = True
            if not progress:
                break
            try:
                return super().model_validate(obj, **kwargs)
            except ValidationError as again:
                exc = again
        raise first  # what was wrong with the payload as sent, not with our repairs


class ScaleModel(LenientValidation):
    """Base of every payload model: unknown fields kept, nothing required, misfits ``None``."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())


def _path_to_null(obj: Any, loc: tuple, nulled: set[tuple]) -> tuple | None:
    """The innermost dict key on ``loc`` present in ``obj`` and not nulled yet."""
    keys = []
    node = obj
    for step in loc:
        if isinstance(node, dict) and isinstance(step, str) and step in node:
            keys.append(len(keys))
            node = node[step]
        elif isinstance(node, list) and isinstance(step, int) and 0 <= step < len(node):
            keys.append(None)
            node = node[step]
        else:
            break
    walked = loc[: len(keys)]
    for end in range(len(walked), 0, -1):
        candidate = walked[:end]
        if isinstance(candidate[-1], str) and candidate not in nulled:
            return candidate
    return None


def _with_none_at(obj: Any, path: tuple) -> Any:
    """A copy of ``obj`` (copied only along ``path``) with the value at ``path`` set to None."""
    head, *rest = path
    copy = dict(obj) if isinstance(obj, dict) else list(obj)
    copy[head] = None if not rest else _with_none_at(obj[head], tuple(rest))
    return copy
