"""Lenient validation for Scale payloads.

Scale servers in the wild return older (v5) shapes, strings where numbers belong and nulls where
objects usually are. The console must show what it can read and never crash on the rest. So a
payload is first validated normally, all inside pydantic-core (a page of 100 jobs in a few ms);
only when that fails are the values that did not fit replaced by ``None`` (the innermost field
holding them, then its parent if that was not enough) and the payload validated again. Unknown
fields are kept. Only a missing required field (a job without ``id``) still fails.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Annotated, Any, Self, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError
from pydantic.functional_validators import AfterValidator

T = TypeVar("T")
_MAX_ROUNDS = 8


def _as_utc(value: datetime | None) -> datetime | None:
    # Scale prints UTC with "Z"; a naive value can only have meant UTC too.
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


Lenient = Annotated[T | None, "lenient"]
"""``T`` if the value fits, else ``None`` (see ``LenientValidation``)."""

Timestamp = Annotated[datetime | None, AfterValidator(_as_utc)]
"""An aware datetime (naive ones taken as UTC), or ``None`` when absent, null or unreadable."""


class LenientValidation(BaseModel):
    """``model_validate``/``model_validate_json`` that turn misfits into ``None`` (see above)."""

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
            raw = (
                json_data.decode("utf-8", "replace")
                if isinstance(json_data, bytes | bytearray)
                else json_data
            )
            return cls.model_validate(json.loads(raw), **kwargs)

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
