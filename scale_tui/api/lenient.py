"""Lenient reading of Scale payloads, strict about what the console needs (msgspec).

Scale servers in the wild return older (v5) shapes, strings where numbers belong and nulls where
objects usually are. The console must show what it can read and never crash on the rest. So a
page is first decoded in one typed pass (`msgspec.json.decode`, all in C: a 1000-job page in a
few ms, bench/decode.py); only when that fails is the body read as plain JSON (`parse_json`: the
depth cap, invalid UTF-8 replaced) and converted again item by item, a value that does not fit
being read the way a person would (``"5"`` as 5, a naive time as UTC) or else replaced by
``None`` (the innermost field holding it, then its parent if that was not enough). Only a
required field missing or of the wrong type (a job without ``id``, a page without ``results``)
still fails: the response is then an error (`ValidationError`, naming where), never data.

Unknown fields are kept: a model remembers the JSON it was read from (its *source*) and
`model_dump` merges the fields it does not declare back in, at every depth. A page's items share
the page's body, parsed only when one of them is first dumped (listing jobs never pays for it).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from functools import cache
from types import NoneType, UnionType, new_class
from typing import Annotated, Any, ClassVar, Self, TypeVar, Union, get_args, get_origin

import msgspec

from scale_tui.api.body import MAX_DEPTH, TOO_DEEP, BodyError, depth_over, parse_json
from scale_tui.api.numbers import whole_number

T = TypeVar("T")
_MAX_REPAIRS = 256
"""Conversions tried for one object (a job, a page's envelope) before it counts as unreadable:
each repair fixes one field, and a job has fewer than a hundred."""

Lenient = T | None
"""``T`` if the value fits, else ``None``."""

Timestamp = Annotated[datetime, msgspec.Meta(tz=True)] | None
"""An aware datetime, or ``None`` when absent, null or unreadable. Scale writes ISO-8601 text
with ``Z``; a naive time is read as UTC and an offset is kept (the decoder refuses both a naive
time and a number, and the repair reads the first with `read_timestamp` and drops the second:
a number would be seconds since 1970, shown as "1970-01-01", "run time 20788d")."""

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_timestamp(value: object) -> datetime | None:
    """A time from a raw payload (task results are kept as plain dicts), read by the same rule
    as a model's ``Timestamp``: ISO-8601 text only, aware UTC; ``None`` when it is not one."""
    if not isinstance(value, str) or not _ISO_DATE.match(value):
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    # Scale prints UTC with "Z"; a naive value can only have meant UTC too.
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed


class ValidationError(ValueError):
    """A payload that is not what the model needs: a required field missing or of the wrong type.
    Each problem has a ``loc`` (``("results", 0, "id")``) and a ``msg``; the client makes the
    first three the text of an UnexpectedResponse."""

    def __init__(self, problems: list[tuple[tuple, str]]) -> None:
        self.problems = problems
        wrong = [f"{'.'.join(str(step) for step in loc) or 'body'}: {msg}"
                 for loc, msg in problems]
        more = f" (and {len(wrong) - 3} more)" if len(wrong) > 3 else ""
        super().__init__("; ".join(wrong[:3]) + more)

    def errors(self) -> list[dict[str, Any]]:
        return [{"loc": loc, "msg": msg} for loc, msg in self.problems]


class LenientModel(msgspec.Struct, kw_only=True):
    """Base of every payload model: the call shapes the console uses (pydantic's names, kept so
    callers read the same), misfits ``None``, unknown fields ignored (`ScaleModel` keeps them)."""

    _item: ClassVar[type | None] = None  # a page's item type (`Page[Job]`), else None

    @classmethod
    def model_validate(cls, obj: Any) -> Self:
        """``obj`` (plain JSON values) as this model; raises `ValidationError`."""
        if isinstance(obj, cls):
            return obj
        if cls._item is not None and isinstance(obj, dict) and isinstance(obj.get("results"),
                                                                           list):
            # One odd job never costs the page: each item is converted (and repaired) alone.
            problems: list[tuple[tuple, str]] = []
            page = _convert({**obj, "results": []}, cls, (), problems)
            results = [_read_item(item, cls._item, ("results", i), problems)
                       for i, item in enumerate(obj["results"])]
            if problems:
                raise ValidationError(problems)
            page.results = results  # type: ignore[attr-defined]
            return page
        problems = []
        model = _convert(obj, cls, (), problems)
        if problems:
            raise ValidationError(problems)
        _attach(model, obj)
        return model

    @classmethod
    def model_validate_json(cls, body: bytes | bytearray | str) -> Self:
        """The JSON ``body`` as this model. Raises `ValidationError`, or `BodyError` when it is
        not JSON or nests deeper than `MAX_DEPTH` (invalid UTF-8 is replaced, never raised)."""
        if cls._item is None:
            # One object (a job's details): its plain values are the source of its unknown
            # fields anyway, and parse_json caps the depth of all of it.
            return cls.model_validate(parse_json(body))
        try:
            page = _decoder(cls).decode(body)
        except (msgspec.ValidationError, msgspec.DecodeError):
            # A misfit, invalid UTF-8, a lone surrogate or not JSON at all: the careful path.
            return cls.model_validate(parse_json(body))
        except RecursionError:
            raise BodyError(TOO_DEEP) from None
        items = page.results  # type: ignore[attr-defined]
        _check_held_depth(items, cls._item)
        if issubclass(cls._item, ScaleModel):
            source = _PageSource(body)
            for index, item in enumerate(items):
                item._source = (source, index)
        return page

    def model_dump(self, *, mode: str = "python", by_alias: bool = False) -> dict[str, Any]:
        """The fields as plain values, unknown fields included (``mode="json"``: times as
        ISO-8601 text; ``by_alias``: the names on the wire, ``json`` for ``Data.json_``)."""
        return _dump(self, _source_of(self), mode == "json", by_alias)

    @property
    def model_extra(self) -> dict[str, Any]:
        """The fields this model was sent but does not declare."""
        return _unknown_fields(type(self), _source_of(self))


class ScaleModel(LenientModel, kw_only=True, dict=True):
    """A payload model that keeps its unknown fields (its source, see the module docstring)."""


class Page(LenientModel, kw_only=True):
    """One page of a Scale list: ``count`` is the total number of matches, not ``len(results)``.

    ``count`` and ``results`` are required: a "page" without them (a proxy's JSON, another API)
    must not read as "no jobs" and wipe the list on screen; each item must be a valid ``T``.
    ``Page[Job]`` is a subclass whose ``results`` are ``list[Job]`` (made once, then cached)."""

    count: int
    next: Lenient[str] = None
    previous: Lenient[str] = None
    results: list[Any]

    def __class_getitem__(cls, item: type) -> type[Page]:
        return _page_of(item)


@cache
def _page_of(item: type) -> type[Page]:
    def body(namespace: dict[str, Any]) -> None:
        namespace.update(__annotations__={"results": list[item]}, __module__=Page.__module__,
                         _item=item, __doc__=Page.__doc__)

    return new_class(f"Page[{item.__name__}]", (Page,), {"kw_only": True}, body)


@cache
def _decoder(model: type) -> msgspec.json.Decoder:
    return msgspec.json.Decoder(model)


# -- repairs --------------------------------------------------------------------------------------

_AT = re.compile(r" - at `\$(.*)`$")
_STEP = re.compile(r"\.([^.\[]+)|\[(\d+|\.\.\.)\]")
_MISSING = re.compile(r"Object missing required field `(.+)`$")
_EXPECTED = re.compile(r"Expected `(\w+)")
_NOT_READ = object()


def _read_item(item: Any, model: type, loc: tuple, problems: list) -> Any:
    value = _convert(item, model, loc, problems)
    if isinstance(value, ScaleModel) and isinstance(item, dict):
        value._source = item
    return value


def _convert(obj: Any, model: type, loc: tuple, problems: list) -> Any:
    """``obj`` as ``model``, repaired one misfit at a time; when it cannot be read, None and
    its first problem as sent (not of our repairs) added to ``problems``."""
    first: tuple | None = None
    coerced: set[tuple] = set()
    nulled: set[tuple] = set()
    for _ in range(_MAX_REPAIRS):
        try:
            return msgspec.convert(obj, model)
        except msgspec.ValidationError as exc:
            where, msg = _error(exc)
            first = first or (where, msg)
            obj = _repaired(obj, where, msg, coerced, nulled)
            if obj is _NOT_READ:
                break
    assert first is not None
    problems.append((loc + first[0], first[1]))
    return None


def _error(exc: msgspec.ValidationError) -> tuple[tuple, str]:
    """msgspec's ``Expected `int`, got `str` - at `$.results[1].id``` as (loc, message)."""
    text = str(exc)
    at = _AT.search(text)
    msg = text[:at.start()] if at else text
    loc: list = [key or (int(index) if index != "..." else ...)
                 for key, index in _STEP.findall(at.group(1) if at else "")]
    missing = _MISSING.match(msg)
    if missing:
        loc.append(missing[1])
        msg = "field required"
    return tuple(loc), msg


def _repaired(obj: Any, loc: tuple, msg: str, coerced: set[tuple], nulled: set[tuple]) -> Any:
    """``obj`` with the value at ``loc`` read the lax way, or else the innermost field on
    ``loc`` not nulled yet set to None; `_NOT_READ` when nothing is left to try."""
    if loc not in coerced:
        coerced.add(loc)
        value = _lax(_at(obj, loc), msg)
        if value is not _NOT_READ:
            return _with_value_at(obj, loc, value)
    path = _path_to_null(obj, loc, nulled)
    if path is None:
        return _NOT_READ
    nulled.add(path)
    return _with_value_at(obj, path, None)


_TRUE = frozenset(("1", "on", "t", "true", "y", "yes"))
_FALSE = frozenset(("0", "off", "f", "false", "n", "no"))


def _lax(value: Any, msg: str) -> Any:
    """What a person reads in a value of the wrong JSON type: ``"5"`` as 5, ``"true"`` as True,
    a naive time as UTC (the coercions the pydantic models made); else `_NOT_READ`."""
    if value is _NOT_READ or value is None:
        return _NOT_READ
    if "datetime" in msg or "RFC3339" in msg:
        read = read_timestamp(value)
        return _NOT_READ if read is None else read
    expected = _EXPECTED.match(msg)
    kind = expected[1] if expected else ""
    try:
        if kind == "int":
            if isinstance(value, str):
                return _whole_text(value)
            if isinstance(value, float) and value.is_integer():
                return int(value)
            if isinstance(value, bool):
                return int(value)
        elif kind == "float" and isinstance(value, str | bool):
            return float(value)
        elif kind == "bool":
            if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
                return value.strip().lower() in _TRUE
            if isinstance(value, int | float) and value in (0, 1):
                return bool(value)
    except (ValueError, OverflowError):
        pass
    return _NOT_READ


def _whole_text(text: str) -> Any:
    """``" -7 "``, ``"7.0"`` as -7 and 7: the digits by api/numbers.py's one rule (ASCII only,
    so ``"١٢"`` is not 12); anything else `_NOT_READ`."""
    text = text.strip()
    unsigned = text[1:] if text[:1] in ("-", "+") else text
    whole, _, fraction = unsigned.partition(".")
    number = whole_number(whole)
    if number is None or fraction.strip("0"):
        return _NOT_READ
    return -number if text[:1] == "-" else number


def _child(node: Any, step: Any) -> Any:
    """``node[step]`` when ``node`` is a dict with that key or a list with that index."""
    if isinstance(node, dict) and isinstance(step, str):
        return node.get(step, _NOT_READ)
    if isinstance(node, list) and type(step) is int and 0 <= step < len(node):
        return node[step]
    return _NOT_READ


def _at(obj: Any, loc: tuple) -> Any:
    node = obj
    for step in loc:
        node = _child(node, step)
        if node is _NOT_READ:
            break
    return node


def _path_to_null(obj: Any, loc: tuple, nulled: set[tuple]) -> tuple | None:
    """The innermost dict key on ``loc`` present in ``obj`` and not nulled yet."""
    walked = 0
    node = obj
    for step in loc:
        node = _child(node, step)
        if node is _NOT_READ:
            break
        walked += 1
    for end in range(walked, 0, -1):
        candidate = loc[:end]
        if isinstance(candidate[-1], str) and candidate not in nulled:
            return candidate
    return None


def _with_value_at(obj: Any, path: tuple, value: Any) -> Any:
    """A copy of ``obj`` (copied only along ``path``) with ``value`` at ``path``."""
    head, *rest = path
    copy = dict(obj) if isinstance(obj, dict) else list(obj)
    copy[head] = value if not rest else _with_value_at(obj[head], tuple(rest), value)
    return copy


# -- depth of what a page holds -------------------------------------------------------------------

@cache
def _json_paths(model: type) -> tuple[tuple[str, ...], ...]:
    """The attribute paths from ``model`` to fields holding plain JSON (``dict[str, Any]``,
    lists): the typed decoder does not cap their depth, `_check_held_depth` does."""
    found: list[tuple[str, ...]] = []
    for field in msgspec.structs.fields(model):
        kinds = [t for t in (get_args(field.type) if _is_union(field.type) else (field.type,))
                 if t is not NoneType]
        for kind in kinds:
            origin = get_origin(kind) or kind
            if isinstance(origin, type) and issubclass(origin, msgspec.Struct):
                found.extend((field.name, *path) for path in _json_paths(origin))
            elif origin in (dict, list) or kind is Any:
                found.append((field.name,))
    return tuple(found)


def _is_union(kind: Any) -> bool:
    return isinstance(kind, UnionType) or get_origin(kind) is Union


def _check_held_depth(items: list, model: type) -> None:
    paths = _json_paths(model)
    if not paths:
        return
    for item in items:
        for path in paths:
            value = item
            for name in path:
                value = getattr(value, name)
                if value is None:
                    break
            if value is not None and depth_over(value, MAX_DEPTH - len(path) - 2):
                raise BodyError(TOO_DEEP)


# -- unknown fields -------------------------------------------------------------------------------

class _PageSource:
    """A page's body, parsed (depth-capped) the first time one of its items is dumped."""

    def __init__(self, body: bytes | bytearray | str) -> None:
        self._body: bytes | bytearray | str | None = body
        self._results: list | None = None

    def item(self, index: int) -> Any:
        if self._body is not None:
            try:
                parsed = parse_json(self._body)
            except ValueError:  # it was read by the typed decoder: only too deep gets here
                parsed = None
            results = parsed.get("results") if isinstance(parsed, dict) else None
            self._results = results if isinstance(results, list) else []
            self._body = None
        results = self._results or []
        return results[index] if index < len(results) else None


def _source_of(model: Any) -> Any:
    source = getattr(model, "_source", None)
    if isinstance(source, tuple):
        source = source[0].item(source[1])
        model._source = source
    return source


def _attach(model: Any, source: Any) -> None:
    """Give ``model`` and the models inside it their source (one object: cheap, and then
    ``job.input.model_dump()`` has the input's unknown fields too)."""
    if not isinstance(model, ScaleModel) or not isinstance(source, dict):
        return
    model._source = source
    for name, wire in _names(type(model)):
        value = getattr(model, name)
        if isinstance(value, ScaleModel):
            _attach(value, source.get(wire))


@cache
def _names(model: type) -> tuple[tuple[str, str], ...]:
    return tuple((f.name, f.encode_name) for f in msgspec.structs.fields(model))


@cache
def _wire_names(model: type) -> frozenset[str]:
    return frozenset(wire for _, wire in _names(model))


def _dump(model: LenientModel, source: Any, json: bool, by_alias: bool) -> dict[str, Any]:
    out = {}
    if not isinstance(source, dict):
        source = None
    for name, wire in _names(type(model)):
        sent = source.get(wire) if source is not None else None
        out[wire if by_alias else name] = _dump_value(getattr(model, name), sent, json, by_alias)
    if isinstance(model, ScaleModel):
        out.update(_unknown_fields(type(model), source))
    return out


def _unknown_fields(model: type, source: Any) -> dict[str, Any]:
    """What ``source`` (the JSON a model was read from) holds that ``model`` does not declare."""
    if not isinstance(source, dict):
        return {}
    known = _wire_names(model)
    return {key: value for key, value in source.items() if key not in known}


def _dump_value(value: Any, sent: Any, json: bool, by_alias: bool) -> Any:
    if isinstance(value, LenientModel):
        return _dump(value, sent if sent is not None else _source_of(value), json, by_alias)
    if isinstance(value, list):
        sent = sent if isinstance(sent, list) and len(sent) == len(value) else [None] * len(value)
        return [_dump_value(item, s, json, by_alias) for item, s in zip(value, sent, strict=True)]
    if json and isinstance(value, datetime):
        return value.isoformat().replace("+00:00", "Z")
    return value
