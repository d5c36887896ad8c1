"""Execution logs shaped like Scale's Elasticsearch answer, from seeded and stored lines.

Seeded executions' lines are derived from the execution id (``logtext``) and spread evenly over
the execution's run, so a 100k-job seed stores no log text; lines the simulator writes are stored
in ``log_lines``. Both are served together, sorted by ``(@timestamp, scale_order_num)``, with
``started`` inclusive and at most ``LOG_CAP`` hits per answer, as Scale does.
"""

from __future__ import annotations

import bisect
import hashlib
import html
import json
import sqlite3
from dataclasses import dataclass

from server_stub.store import logtext
from server_stub.store.timefmt import US, es

LOG_CAP = 10_000
BIG_LOG_LINES = 50_000


def seeded_line_count(exe_id: int) -> int:
    """How many lines a seeded execution wrote. Every 500th (7, 507, ...) wrote 50,000."""
    if exe_id % 500 == 7:
        return BIG_LOG_LINES
    return 30 + (exe_id * 7919) % 370


@dataclass(frozen=True)
class LogLine:
    ts_ms: int  # Elasticsearch keeps milliseconds
    order: int  # fluentd's nanosecond part of the event time
    stream: str
    message: str


def _seeded_time(started: int, until: int, n: int, i: int) -> tuple[int, int]:
    fine_ns = started * 1000 + (until - started) * 1000 * i // max(n, 1)
    return fine_ns // 1_000_000, fine_ns % 1_000_000_000


def seeded_lines(exe: sqlite3.Row, since_ms: int | None, stream: str | None):
    """(total matching, up to LOG_CAP lines) of the seeded part of one execution's log."""
    n = exe["seeded_lines"]
    if not n or exe["started"] is None:
        return 0, []
    started, until = exe["started"], exe["seeded_until"] or exe["started"]
    first = 0
    if since_ms is not None:
        first = bisect.bisect_left(range(n), since_ms,
                                   key=lambda i: _seeded_time(started, until, n, i)[0])
    failed = exe["status"] == "FAILED"
    total, out = 0, []
    for i in range(first, n):
        s, message = logtext.line(exe["id"], i, n, failed)
        if stream and s != stream:
            continue
        total += 1
        if len(out) < LOG_CAP:
            ts_ms, order = _seeded_time(started, until, n, i)
            out.append(LogLine(ts_ms, order, s, message))
        elif stream is None:
            return n - first, out  # every remaining line matches: no need to walk them
    return total, out


def stored_lines(conn: sqlite3.Connection, exe_id: int, since_ms: int | None,
                 stream: str | None, limit: int):
    where, args = "exe_id = ?", [exe_id]
    if since_ms is not None:
        where += " AND ts >= ?"
        args.append(since_ms)
    if stream:
        where += " AND stream = ?"
        args.append(stream)
    total = conn.execute(f"SELECT count(*) FROM log_lines WHERE {where}", args).fetchone()[0]
    rows = conn.execute(f"SELECT ts, order_num, stream, message FROM log_lines WHERE {where} "
                        "ORDER BY ts, order_num LIMIT ?", [*args, limit]).fetchall()
    return total, [LogLine(*r) for r in rows]


def fetch(conn: sqlite3.Connection, exe: sqlite3.Row, since_us: int | None,
          stream: str | None) -> tuple[int, list[LogLine]]:
    # Elasticsearch keeps a date to the millisecond: a `started` with microseconds or
    # nanoseconds (fluentd's @timestamp sent back) is cut to its millisecond, then `gte`.
    since_ms = None if since_us is None else since_us // 1000
    total, lines = seeded_lines(exe, since_ms, stream)
    more, stored = stored_lines(conn, exe["id"], since_ms, stream, LOG_CAP)
    lines = sorted(lines + stored, key=lambda ln: (ln.ts_ms, ln.order))[:LOG_CAP]
    return total + more, lines


_enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


def fluentd_time(ts_ms: int, order: int) -> str:
    """``@timestamp`` as fluent-plugin-elasticsearch writes it with ``logstash_format``
    (dockerfiles/fluentd/fluent.conf): nanoseconds and ``+00:00``. The nanosecond part is the
    event time's ``%N``, which is also ``scale_order_num``."""
    millis = ts_ms % 1000
    nanos = order if order // 1_000_000 == millis else millis * 1_000_000 + order % 1_000_000
    return f"{es(ts_ms * 1000)[:19]}.{nanos:09d}+00:00"


def as_elasticsearch(total: int, lines: list[LogLine], cluster_id: str) -> bytes:
    """The search response Scale passes through: ``hits.hits[]._source`` per line.

    Built as text from pieces (10,000 hits per answer); ``test_log_is_the_raw_...`` parses it.
    """
    exe = _enc(cluster_id)
    salt = int(hashlib.blake2b(cluster_id.encode(), digest_size=4).hexdigest(), 16)
    hits = []
    for ln in lines:
        ts = fluentd_time(ln.ts_ms, ln.order)
        hit_id = f"{(ln.ts_ms * 1_000_003 + ln.order) ^ salt:020x}"[-20:]
        hits.append(
            f'{{"_index":"scalelogs-{ts[:4]}.{ts[5:7]}.{ts[8:10]}","_type":"_doc",'
            f'"_id":"{hit_id}","_score":null,"_source":{{"@timestamp":"{ts}",'
            f'"scale_order_num":{ln.order},"message":{_enc(ln.message)},'
            f'"stream":"{ln.stream}","scale_job_exe":{exe}}},"sort":[{ln.ts_ms},{ln.order}]}}')
    head = (f'{{"took":{1 + len(lines) // 2000},"timed_out":false,"_shards":{{"total":5,'
            f'"successful":5,"skipped":0,"failed":0}},"hits":{{"total":{total},'
            '"max_score":null,"hits":[')
    return (head + ",".join(hits) + "]}}").encode()


def as_text(lines: list[LogLine]) -> bytes:
    return "\n".join(ln.message for ln in lines).encode()


def as_html(lines: list[LogLine]) -> bytes:
    rows = "".join(f'<div class="{ln.stream}">{html.escape(ln.message)}</div>\n' for ln in lines)
    return ("<html><head><style>.stdout {} .stderr {color: red;}</style></head><body>"
            + rows + "</body></html>").encode()


def append(conn: sqlite3.Connection, exe_id: int, rows: list[tuple[int, int, str, str]]) -> None:
    """Store lines the simulator wrote: (ts_ms, order, stream, message)."""
    conn.executemany("INSERT INTO log_lines VALUES (?,?,?,?,?)",
                     [(exe_id, *r) for r in rows])


__all__ = [
    "BIG_LOG_LINES",
    "LOG_CAP",
    "US",
    "LogLine",
    "append",
    "as_elasticsearch",
    "as_html",
    "as_text",
    "fetch",
    "seeded_line_count",
]
