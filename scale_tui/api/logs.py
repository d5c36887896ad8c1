"""Execution logs: Scale's raw Elasticsearch answer turned into LogLines, and a follower.

Real Scale (docs/scale.md §5) answers ``GET /v6/job-executions/{id}/logs/{stream}/`` with the raw
Elasticsearch search response (lines in ``hits.hits[]._source``, at most 10,000 per request,
sorted by ``@timestamp`` then ``scale_order_num``), or with 204 when there is nothing (new).
``started`` is inclusive, so following a log means asking again from the last timestamp and
dropping the lines already returned.
"""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from typing import Any, Literal, NamedTuple, Protocol

import msgspec

from scale_tui.api.errors import ScaleError


class LogSource(Protocol):
    """What a follower needs of a client (``ScaleClient`` is one): the log endpoint alone."""

    async def get_execution_log(self, execution_id: int, stream: str = ...,
                                started: Any = ...) -> list[LogLine]: ...


LOG_PAGE_CAP = 10_000
"""Scale asks Elasticsearch for at most this many lines per request."""
LOG_STREAMS = ("combined", "stdout", "stderr")


class LogLine(NamedTuple):
    """One line of an execution's log: immutable and hashable, and its own de-duplication key.

    A NamedTuple rather than a model: a busy log brings 10,000 of them per response.
    """

    timestamp: datetime
    order: int
    stream: Literal["stdout", "stderr"]
    message: str

    @property
    def key(self) -> tuple[datetime, int, str, str]:
        return (self.timestamp, self.order, self.stream, self.message)


class LogFormatError(ScaleError):
    """The log endpoint answered 200 with something that is not an Elasticsearch response."""


def parse_log_response(body: bytes | str) -> list[LogLine]:
    """Lines from the body of a 200 log response, in log order.

    Invalid UTF-8 is replaced rather than raised on: a log is shown, never refused. Hits
    without a usable ``@timestamp`` are dropped (they cannot be placed or followed). An empty
    200, or an array that is not of sources, is a ``LogFormatError``: Scale says "nothing new"
    with a 204, so such a body came from something else (a proxy) and is never "no lines".

    Read by msgspec into typed hits (bench/decode.py: the 10,000-line burst in about a third
    of ``json.loads``'s time and the lines built from attributes, not dict lookups), a batch of
    `_BATCH` hits per decode: a big body is parsed in a worker thread (api/client.py), and
    between two batches the console's loop gets the GIL. A batch with anything the typed hits
    do not read (a wrong-typed field, a lone surrogate escape, invalid UTF-8) is read hit by
    hit by `_careful_hit` with the same rules, so one odd hit costs its batch a few
    milliseconds, never the burst. A body that is not an Elasticsearch answer with an object
    ``hits`` is read whole by `_careful`, which names what is wrong.
    """
    try:
        hits = _SEARCH.decode(body).hits.hits or []
    except (ValueError, RecursionError):  # msgspec's errors are ValueErrors
        return _in_order(_careful(body))
    times: dict[str, datetime | None] = {}
    lines: list[LogLine] = []
    for start in range(0, len(hits), _BATCH):
        batch = hits[start:start + _BATCH]
        try:
            typed = _HITS.decode(b"[" + b",".join(batch) + b"]")
        except (ValueError, RecursionError):
            try:
                careful = [_careful_hit(raw, times) for raw in batch]
            except (ValueError, RecursionError):  # a hit not even json.loads reads
                return _in_order(_careful(body))
            lines.extend(line for line in careful if line is not None)
            continue
        for hit in typed:
            source = hit.source
            if source is None:
                continue
            raw = source.at_timestamp if source.at_timestamp is not msgspec.UNSET else (
                source.timestamp)
            if raw is None:
                continue
            if raw not in times:
                times[raw] = parse_es_timestamp(raw)
            timestamp = times[raw]
            if timestamp is None:
                continue
            lines.append(LogLine(
                timestamp, source.scale_order_num or 0,
                "stderr" if source.stream == "stderr" else "stdout", source.message or "",
            ))
    return _in_order(lines)


_BATCH = 1_000
"""Hits per typed decode: ~2 ms of GIL each (a 10,000-line burst is 10 batches)."""


class _Source(msgspec.Struct, gc=False):
    """What a line reads of a hit's ``_source``; other fields are ignored. A field of another
    type fails the batch's decode, and `_careful_hit` reads it (``_line``'s rules)."""

    # Text, read by parse_es_timestamp: msgspec's own datetime rounds nanoseconds to the
    # nearest microsecond, and a follower's ``started`` rounded up would pass lines by.
    at_timestamp: str | msgspec.UnsetType | None = msgspec.field(
        default=msgspec.UNSET, name="@timestamp")
    timestamp: str | None = None  # read only when "@timestamp" is absent
    scale_order_num: int | None = None
    stream: str | None = None
    message: str | None = None


class _Hit(msgspec.Struct, gc=False):
    source: _Source | None = msgspec.field(default=None, name="_source")


class _HitList(msgspec.Struct, gc=False):
    hits: list[msgspec.Raw] | None = None


class _Search(msgspec.Struct, gc=False):
    """An Elasticsearch search answer: its hits kept raw, decoded `_BATCH` at a time."""

    hits: _HitList


_SEARCH = msgspec.json.Decoder(_Search)
_HITS = msgspec.json.Decoder(list[_Hit])


def _in_order(lines: list[LogLine]) -> list[LogLine]:
    lines.sort(key=lambda line: (line.timestamp, line.order))  # already sorted: linear time
    return lines


def _careful_hit(raw: msgspec.Raw, times: dict[str, datetime | None]) -> LogLine | None:
    """One hit the typed decode refused, read as ``json.loads`` reads it (a lone surrogate
    stays, as in `_careful`)."""
    hit = json.loads(bytes(raw).decode("utf-8", "replace"))
    return _line(hit.get("_source"), times) if isinstance(hit, dict) else None


def _careful(body: bytes | str) -> list[LogLine]:
    """Any body, read by ``json.loads`` with every rule; a ``LogFormatError`` naming what is
    wrong when it holds no log lines."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    if not text.strip():
        raise LogFormatError("log response is an empty 200 (Scale answers 204 for no lines)")
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise LogFormatError(f"log response is not JSON: {exc}") from None
    except RecursionError:  # 40 KB of "[": the C parser stops at Python's recursion limit
        raise LogFormatError("log response is JSON nested too deep to be a log") from None
    if isinstance(data, list):
        # What Scale's docs (wrongly, docs/scale.md D12) describe: a bare array of sources.
        if not all(isinstance(source, dict) for source in data):
            raise LogFormatError("log response is an array of something other than log sources")
        sources = data
    elif isinstance(data, dict) and isinstance(data.get("hits"), dict):
        sources = [
            hit.get("_source") for hit in data["hits"].get("hits") or [] if isinstance(hit, dict)
        ]
    else:
        raise LogFormatError("log response has no hits.hits: not an Elasticsearch search result")
    times: dict[str, datetime | None] = {}
    return [line for src in sources if (line := _line(src, times)) is not None]


def _line(source: Any, times: dict[str, datetime | None]) -> LogLine | None:
    if not isinstance(source, dict):
        return None
    raw = source.get("@timestamp", source.get("timestamp"))
    if not isinstance(raw, str):
        return None
    if raw not in times:
        times[raw] = parse_es_timestamp(raw)
    timestamp = times[raw]
    if timestamp is None:
        return None
    order = source.get("scale_order_num")
    message = source.get("message")
    return LogLine(
        timestamp=timestamp,
        order=order if isinstance(order, int) else 0,
        stream="stderr" if source.get("stream") == "stderr" else "stdout",
        message=message if isinstance(message, str) else ("" if message is None else str(message)),
    )


def parse_es_timestamp(raw: str) -> datetime | None:
    """``2018-11-01T13:30:22.485611Z`` (or ``+00:00``, or nanoseconds) as aware UTC."""
    try:
        value = datetime.fromisoformat(raw)  # reads "Z" and nanoseconds since Python 3.11
    except ValueError:
        return None
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value if value.tzinfo is UTC else value.astimezone(UTC)


class LogFollower:
    """Returns each line of an execution's log exactly once, however often it is polled.

    Each poll asks for the lines since the last timestamp seen (inclusive), drops the ones
    already returned (only the keys at that last timestamp are remembered, so memory stays
    bounded), and pages forward at once while a response holds the 10,000-line cap.

    Limit of real Scale: ``started`` is the only cursor, so when more than 10,000 lines share
    one timestamp, the lines past the first 10,000 of that timestamp cannot be fetched at all.
    The follower detects it (a full response whose lines all carry one timestamp),
    skips past that timestamp instead of asking for the same page forever, and records
    the timestamp in ``skipped`` so the console can say lines may be missing there. (With
    exactly 10,000 lines at one timestamp nothing is missing, but no request can tell.)
    """

    def __init__(
        self,
        client: LogSource,
        execution_id: int,
        stream: str = "combined",
        *,
        started: datetime | timedelta | None = None,
        max_pages_per_poll: int = 20,
    ) -> None:
        self.client = client
        self.execution_id = execution_id
        self.stream = stream
        self.max_pages_per_poll = max_pages_per_poll
        self.last_timestamp: datetime | None = None
        self.total = 0
        self.skipped: list[datetime] = []
        self.caught_up = False
        """True when the last response was below the cap: nothing more until new lines arrive."""
        # Where the next request starts: the caller's ``started`` until lines arrive.
        self._started: datetime | timedelta | None = started
        self._seen_at_last: set[tuple[datetime, int, str, str]] = set()
        self._pending: list[LogLine] = []

    async def poll(self) -> list[LogLine]:
        """The lines not returned before, in log order (``[]`` when nothing is new).

        If a request fails, the error propagates and lines already fetched by this poll are
        kept for the next one: a flaky network delays lines, it never loses them.
        """
        for _ in range(self.max_pages_per_poll):
            lines = await self.client.get_execution_log(
                self.execution_id, self.stream, started=self._started
            )
            if len(lines) < _DEDUP_INLINE_LINES:
                fresh = _new_lines(lines, self.last_timestamp, self._seen_at_last)
            else:  # ~14 ms for a full page: off the caller's event loop, like the parse
                fresh = await asyncio.to_thread(
                    _new_lines, lines, self.last_timestamp, self._seen_at_last
                )
            self._accept(*fresh)
            self.caught_up = len(lines) < LOG_PAGE_CAP
            if self.caught_up:
                break
            stuck_at = lines[0].timestamp
            if lines[-1].timestamp == stuck_at:
                # A full page inside one timestamp: asking again returns the same page.
                self.skipped.append(stuck_at)
                self._started = stuck_at + timedelta(microseconds=1)
        new, self._pending = self._pending, []
        self.total += len(new)
        return new

    def _accept(
        self, fresh: list[LogLine], last: datetime | None, seen: set[tuple[datetime, int, str, str]]
    ) -> None:
        self._pending.extend(fresh)
        self.last_timestamp = last
        self._seen_at_last = seen
        if fresh:
            self._started = last


_DEDUP_INLINE_LINES = 1_000


def _new_lines(
    lines: list[LogLine], last: datetime | None, seen: set[tuple[datetime, int, str, str]]
) -> tuple[list[LogLine], datetime | None, set[tuple[datetime, int, str, str]]]:
    """The lines not returned before, and the follower's new (last timestamp, keys seen at it).

    Changes nothing (``seen`` is copied): if the caller is cancelled while this runs in a
    thread, the follower's state is as before and the next poll asks for the same lines again.
    """
    seen = set(seen)
    fresh = []
    for line in lines:
        if last is not None and line.timestamp < last:
            continue  # before what we asked for: already returned
        key = line.key
        if key in seen:
            continue
        if last is None or line.timestamp > last:
            last = line.timestamp
            seen.clear()
        seen.add(key)
        fresh.append(line)
    return fresh, last, seen
