"""Lenient field types for Scale payloads.

Scale servers in the wild return older (v5) shapes, strings where numbers belong and nulls where
objects usually are. The console must show what it can read and never crash on the rest, so a
field that does not fit its type becomes ``None`` instead of failing the whole payload; the raw
payload stays available through the model's extra fields and ``model_dump``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, TypeVar

from pydantic import BaseModel, ConfigDict, ValidationError, ValidatorFunctionWrapHandler
from pydantic.functional_validators import AfterValidator, WrapValidator

T = TypeVar("T")


def _or_none(value: Any, handler: ValidatorFunctionWrapHandler) -> Any:
    try:
        return handler(value)
    except ValidationError:
        return None


def _as_utc(value: datetime | None) -> datetime | None:
    # Scale prints UTC with "Z"; a naive value can only have meant UTC too.
    if value is None:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


Lenient = Annotated[T | None, WrapValidator(_or_none)]
"""``T`` if the value fits, else ``None``."""

Timestamp = Annotated[datetime | None, AfterValidator(_as_utc), WrapValidator(_or_none)]
"""An aware datetime (naive ones taken as UTC), or ``None`` when absent, null or unreadable."""


class ScaleModel(BaseModel):
    """Base of every payload model: unknown fields are kept, nothing is required."""

    model_config = ConfigDict(extra="allow", populate_by_name=True, protected_namespaces=())
