"""Helpers shared by the route modules: ids from the path, the JSON body, one page of rows."""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qsl

from starlette.requests import Request

from server_stub.http import pagination
from server_stub.http.state import StubState
from server_stub.store.params import APIError, NotFound, Params

DIGITS = re.compile(r"^\d+$")


class RouteNotFound(Exception):
    """The path did not match Scale's URL patterns: Django answers with its HTML 404."""


def stub(request: Request) -> StubState:
    return request.app.state.stub


def path_id(value: str) -> int:
    if not DIGITS.match(value):
        raise RouteNotFound
    number = int(value)
    if number > 2**63 - 1:  # matches the URL pattern but no row can have it
        raise NotFound
    return number


MAX_DEPTH = 32  # JSON nesting; Scale's bodies need 4 (job input, configuration settings)


async def json_body(request: Request, *, only_json: bool) -> dict:
    """DRF's ``Request._parse`` (rest_framework/request.py): no body is ``{}``; a body whose
    content type no parser takes (a missing header counts as ``""``) is 415, never ``{}``; bad
    JSON is a 400. The stub also refuses nesting deeper than ``MAX_DEPTH`` with a 400."""
    raw = await request.body()
    if not raw:
        return {}
    ctype = request.headers.get("content-type", "")
    media = ctype.split(";")[0].strip().lower()
    if media != "application/json":
        if only_json or media != "application/x-www-form-urlencoded":
            raise APIError(415, f'Unsupported media type "{ctype}" in request.')
        return {k: v for k, v in parse_qsl(raw.decode(errors="replace"))}
    try:
        data = json.loads(raw)
    except RecursionError:
        raise APIError(400, f"JSON parse error - nesting deeper than {MAX_DEPTH} levels") from None
    except (ValueError, UnicodeDecodeError) as exc:
        raise APIError(400, f"JSON parse error - {exc}") from None
    if not isinstance(data, dict):
        raise APIError(400, "JSON parse error - the body must be a JSON object")
    if nesting(data) > MAX_DEPTH:
        raise APIError(400, f"JSON parse error - nesting deeper than {MAX_DEPTH} levels")
    return data


def nesting(value) -> int:
    """How deep lists and objects nest in ``value`` (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(
            item, list) else None
        if children is None:
            continue
        deepest = max(deepest, depth)
        if depth > MAX_DEPTH:
            break
        stack.extend((child, depth + 1) for child in children)
    return deepest


def params(request: Request, body: dict | None = None) -> Params:
    return Params(list(request.query_params.multi_items()), body)


def check_format(request: Request, allowed=("json",)) -> str:
    fmt = request.query_params.get("format")
    if fmt is None:
        return allowed[0]
    if fmt not in allowed:
        raise APIError(404, "Not found.")
    return fmt


def page_of(request: Request, count: int) -> tuple[int, int]:
    """(page number, page size) for ``count`` results, or 404 ``Invalid page.``"""
    query = params(request).query
    size = pagination.page_size(query)
    return pagination.page_number(query, count, size), size


def envelope(request: Request, count: int, number: int, size: int,
             results: list | str | bytes) -> str | bytes:
    """The page body; ``results`` may already be JSON text (str or UTF-8 bytes)."""
    from server_stub.http.web import absolute_path

    results_json = results if isinstance(results, (str, bytes)) else json.dumps(
        results, ensure_ascii=False, separators=(",", ":"))
    return pagination.envelope(count, number, size, absolute_path(request),
                               request.url.query, results_json)
