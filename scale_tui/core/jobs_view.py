"""Small decisions of the jobs screen, kept as plain functions so they can be tested alone:
which rows the quick filter keeps, how sorting cycles, what the page line says."""

from __future__ import annotations

import math

from scale_tui.core.filter_form import WINDOW_PRESETS
from scale_tui.core.jobs_columns import COLUMNS, Cells

# Newest/largest first is what an operator looks for on these; names read best A to Z.
_DESCENDING_FIRST = {"id", "created", "last_modified", "duration", "num_exes"}
SORT_FIELDS = [order for _, _, order in COLUMNS]


def quick_match(cells: Cells, query: str) -> bool:
    """Every word of `query` appears (case-insensitively) in some visible column."""
    words = query.lower().split()
    if not words:
        return True
    line = "\x00".join(cells).lower()
    return all(word in line for word in words)


def default_direction(field: str) -> str:
    return f"-{field}" if field in _DESCENDING_FIRST else field


def next_sort(order: str) -> str:
    """`s`: the next column, in its natural direction."""
    field = order.lstrip("-")
    index = SORT_FIELDS.index(field) if field in SORT_FIELDS else -1
    return default_direction(SORT_FIELDS[(index + 1) % len(SORT_FIELDS)])


def reverse_sort(order: str) -> str:
    return order[1:] if order.startswith("-") else f"-{order}"


def sort_on(order: str, field: str) -> str:
    """A click on a column header: sort by it, or flip it when it is already the sort."""
    return reverse_sort(order) if order.lstrip("-") == field else default_direction(field)


def sort_words(order: str) -> str:
    """`-error__category` -> `Error ▼`: a sort in the column's title, never Scale's field name."""
    field = order.lstrip("-")
    title = next((label for _, label, by in COLUMNS if by == field), field.replace("__", " "))
    return f"{title} {'▼' if order.startswith('-') else '▲'}"


def plural(count: int, noun: str) -> str:
    """`1 job`, `2 jobs`, `1,234 jobs`."""
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def next_window(window: str) -> str:
    """`t`: all -> 1h -> 6h -> 24h -> 7d -> all; a typed window goes to 1h."""
    presets = list(WINDOW_PRESETS)
    key = window.strip().lower() or "all"
    if key not in presets:
        return presets[1]
    return presets[(presets.index(key) + 1) % len(presets)]


def page_count(total: int, page_size: int) -> int:
    return max(1, math.ceil(total / page_size))


def page_text(page: int, total: int | None, page_size: int, shown: int, loaded: int,
              quick: str, *, short: bool = False, marked: int = 0) -> str:
    """What the status line says of the page; `short` for a narrow terminal."""
    if total is None:
        return "loading…"
    pages = page_count(total, page_size)
    if short:
        text = f"{total} · p{page}/{pages}"
    else:
        text = f"{plural(total, 'job')} · page {page}/{pages}"
    if marked:
        text += f" · {marked} marked"
    if quick:
        text += f" · find {shown}/{loaded}" if short else f" · find '{quick}': {shown} of {loaded}"
    return text
