"""DRF's ``PageNumberPagination`` as Scale configures it: 100 by default, at most 1000.

``next``/``previous`` are absolute URLs rebuilt like DRF's ``replace_query_param``: the query is
parsed, ``page`` replaced (or removed for page 1), and re-encoded sorted by key.
"""

from __future__ import annotations

import json
from math import ceil
from urllib.parse import parse_qs, urlencode

from server_stub.store.params import NotFound

DEFAULT_PAGE_SIZE = 100
MAX_PAGE_SIZE = 1000


def page_size(query: dict[str, list[str]]) -> int:
    """Zero, negative or non-integer sizes fall back to the default silently, as in DRF."""
    raw = query.get("page_size")
    if not raw:
        return DEFAULT_PAGE_SIZE
    try:
        size = int(raw[-1])
    except ValueError:
        return DEFAULT_PAGE_SIZE
    if size <= 0:
        return DEFAULT_PAGE_SIZE
    return min(size, MAX_PAGE_SIZE)


def num_pages(count: int, size: int) -> int:
    return max(1, ceil(count / size))


def page_number(query: dict[str, list[str]], count: int, size: int) -> int:
    raw = query.get("page", ["1"])[-1]
    if raw == "last":
        return num_pages(count, size)
    try:
        number = int(raw)
    except ValueError:
        raise NotFound("Invalid page.") from None
    if number < 1 or number > num_pages(count, size):
        raise NotFound("Invalid page.")
    return number


def _with_page(base: str, query_string: str, number: int | None) -> str:
    query = parse_qs(query_string, keep_blank_values=True)
    query.pop("page", None)
    if number is not None:
        query["page"] = [str(number)]
    encoded = urlencode(sorted(query.items()), doseq=True)
    return f"{base}?{encoded}" if encoded else base


def envelope(count: int, number: int, size: int, base: str, query_string: str,
             results_json: str | bytes) -> str | bytes:
    """The page body as JSON text; ``results_json`` is already serialised (str or UTF-8)."""
    last = num_pages(count, size)
    nxt = _with_page(base, query_string, number + 1) if number < last else None
    prev = None
    if number > 1:
        prev = _with_page(base, query_string, None if number == 2 else number - 1)
    head = f'{{"count":{count},"next":{json.dumps(nxt)},"previous":{json.dumps(prev)},"results":'
    if isinstance(results_json, bytes):
        return b"".join((head.encode(), results_json, b"}"))
    return f"{head}{results_json}}}"
