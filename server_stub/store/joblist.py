"""The job list's rows encoded straight to JSON text, from pre-encoded pieces.

A page of 100 jobs is ~160 KB, mostly the same job types and errors repeated; encoding those
once and splicing the text halves the server's work per page. Encoded rows are kept by
``(id, last_modified)``, so a page served before costs an index walk and a join, and the page
after one just served is encoded ahead (``read_ahead``). ``serialize.job`` stays the readable
definition of a row; ``test_list_rows_equal_serializer_output`` holds the two equal.
"""

from __future__ import annotations

import itertools
import json
from functools import cached_property

from server_stub.store import pageseek
from server_stub.store.catalog import Catalog
from server_stub.store.serialize import BATCH_BY_ID, NODE_BY_ID, Related
from server_stub.store.timefmt import drf_json as _ts

# What the list reads of a job, in this order (the first columns as in the table, so that
# serialize.Related finds event, ingest event and recipe at 3, 4 and 5).
LIST_COLUMNS = ("id, job_type_id, status, event_id, ingest_event_id, recipe_id, batch_id, "
                "is_superseded, superseded_job_id, node_id, error_id, max_tries, num_exes, "
                "input_file_size, input_files, created, queued, started, ended, "
                "last_status_change, superseded, last_modified, source_started, source_ended, "
                "source_sensor_class, source_sensor, source_collection, source_task")
POSITION = {name.strip(): i for i, name in enumerate(LIST_COLUMNS.split(","))}

_enc = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
_STRINGS: dict[str, str] = {}  # sensor and task names repeat across thousands of rows


def _str(value) -> str:
    if value is None:
        return "null"
    text = _STRINGS.get(value)
    if text is None:
        if len(_STRINGS) > 10_000:
            _STRINGS.clear()
        text = _STRINGS[value] = _enc(value)
    return text


class Pieces:
    """Pre-encoded JSON of everything a job row shares with other rows."""

    def __init__(self, catalog: Catalog) -> None:
        self.job_type = {jt.id: _enc(jt.base) for jt in catalog.job_types.values()}
        self.job_type_bytes = {i: text.encode() for i, text in self.job_type.items()}
        self.job_type_rev = {jt.id: _enc({"id": jt.id, "job_type": {"id": jt.id},
                                          "revision_num": jt.raw["revision_num"]})
                             for jt in catalog.job_types.values()}
        self.error = {e.id: _enc(e.as_json()) for e in catalog.errors.values()}
        self.node = {n: _enc(v) for n, v in NODE_BY_ID.items()}
        self.batch = {b: _enc(v) for b, v in BATCH_BY_ID.items()}


class PageEncoder:
    def __init__(self, pieces: Pieces, rel: Related) -> None:
        self.p = pieces
        self.rel = rel

    @cached_property
    def events(self) -> dict:
        # Event types are Scale's upper-case names: no JSON escaping needed.
        return {i: f'{{"id":{i},"type":"{kind}","occurred":{_ts(occurred)}}}'
                for i, (_, kind, occurred) in self.rel.events.items()}

    @cached_property
    def recipes(self) -> dict:
        return {i: _enc(self.rel.recipe(i)) for i in self.rel.recipes}

    def row(self, r) -> str:
        return f'{{"id":{r[0]},"job_type":{self.p.job_type[r[1]]}{self.tail(r)}'

    def tail(self, r) -> str:
        """Everything after ``"job_type":{...}``; depends on the row alone (cached in it)."""
        # Unpacked by position (LIST_COLUMNS): sqlite3.Row lookups by name scan the column
        # list and would cost more than the encoding itself.
        (_job_id, type_id, status, event_id, ingest_event_id, recipe_id, batch_id,
         is_superseded, sup, node_id, error_id, max_tries, num_exes, size, input_files,
         created, queued, started, ended, last_status_change, superseded, last_modified,
         source_started, source_ended, sensor_class, sensor, collection, task) = r
        p = self.p
        events = self.events
        return "".join((
            ',"status":"', status, '","job_type_rev":', p.job_type_rev[type_id],
            ',"event":', events.get(event_id, "null"),
            ',"ingest_event":', events.get(ingest_event_id, "null"),
            ',"recipe":', self.recipes.get(recipe_id, "null"),
            ',"batch":', p.batch.get(batch_id, "null"),
            ',"is_superseded":', "true" if is_superseded else "false",
            ',"superseded_job":', "null" if sup is None else f'{{"id":{sup}}}',
            ',"node":', p.node.get(node_id, "null"),
            ',"error":', p.error.get(error_id, "null"),
            ',"max_tries":', str(max_tries), ',"num_exes":', str(num_exes),
            ',"input_file_size":', "null" if size is None else repr(float(size)),
            ',"input_files":', input_files,
            ',"created":', _ts(created), ',"queued":', _ts(queued),
            ',"started":', _ts(started), ',"ended":', _ts(ended),
            ',"last_status_change":', _ts(last_status_change),
            ',"superseded":', _ts(superseded), ',"last_modified":', _ts(last_modified),
            ',"source_started":', _ts(source_started), ',"source_ended":', _ts(source_ended),
            ',"source_sensor_class":', _str(sensor_class), ',"source_sensor":', _str(sensor),
            ',"source_collection":', _str(collection), ',"source_task":', _str(task), "}"))

    def rows(self, rows) -> str:
        return "[" + ",".join(self.row(r) for r in rows) + "]"


class RowCache:
    """Encoded rows keyed by ``(id, last_modified)``: the job type's JSON (shared, not copied)
    and the UTF-8 JSON of the rest of the row after it.

    Every update moves a job's last_modified on (db.TRIGGERS), and a row's text depends only on
    the row (events and recipes never change, job types and errors are fixed), so a hit is
    always right. Bounded; the oldest entries go first.
    """

    def __init__(self, size: int = 50_000) -> None:
        self.size = size
        self.rows: dict[tuple[int, int], tuple[bytes, bytes]] = {}

    def get(self, key: tuple[int, int]) -> tuple[bytes, bytes] | None:
        return self.rows.get(key)

    def put(self, key: tuple[int, int], entry: tuple[bytes, bytes]) -> None:
        if len(self.rows) >= self.size:
            for old in list(itertools.islice(self.rows, self.size // 10)):
                self.rows.pop(old, None)
        self.rows[key] = entry


# The columns of page_keys' rows, for pageseek.
KEY_POSITION = {"id": 0, "last_modified": 1, "created": 2}


def page_keys(conn, state, q, offset: int, size: int,
              count: int | None = None) -> list[tuple[int, int]]:
    """``(id, last_modified)`` of the jobs on one page of query ``q`` (a jobquery.JobQuery).

    ``count``, the query's exact row count in this database generation, lets a page in the
    second half be found from the far end (``pageseek.reverse``).
    """
    where, args = q.sql_where(), q.args
    ahead = state.keys_ahead.pop((where, tuple(args), q.order, offset, size,
                                  state.db.generation), None)
    if ahead is not None:  # read ahead for this very page, and nothing was written since
        return ahead
    seek, seek_args, skip = state.seeker.plan(where, args, q.order, offset, state.db.generation)
    walk, limit = q.order, size
    backwards = pageseek.reverse(q.order) if count is not None else None
    if backwards is not None and max(0, count - offset - size) < skip:
        walk, seek, seek_args = backwards, "", []
        skip, limit = max(0, count - offset - size), max(0, min(size, count - offset))
    inner = f"{where} AND {seek}" if seek else where
    cursor = conn.cursor()
    cursor.row_factory = None
    # Skipping rows in the subquery walks only the index; the outer query reads one page's keys
    # and puts them in the page's order.
    keys = cursor.execute(f"SELECT id, last_modified, created FROM jobs WHERE id IN "
                          f"(SELECT id FROM jobs WHERE {inner} ORDER BY {walk} "
                          f"LIMIT ? OFFSET ?) ORDER BY {q.order}",
                          [*args, *seek_args, limit, skip]).fetchall()
    state.seeker.remember(where, args, q.order, state.db.generation, offset, keys, KEY_POSITION)
    return [(k[0], k[1]) for k in keys]


def encode_page(conn, state, keys: list[tuple[int, int]]) -> bytes:
    """The JSON list of the jobs named by ``keys``, in that order."""
    parts = []
    for (job_id, _), (job_type, tail) in zip(keys, encode_rows(conn, state, keys), strict=True):
        parts += (b',{"id":%d,"job_type":' % job_id, job_type, tail)
    if parts:
        parts[0] = parts[0][1:]  # no comma before the first row
    return b"".join((b"[", *parts, b"]"))


def encode_rows(conn, state, keys: list[tuple[int, int]]) -> list[tuple[bytes, bytes]]:
    """Each job's cache entry; only rows not in ``state.row_cache`` are read whole and encoded."""
    cache = state.row_cache
    entries = [cache.get(k) for k in keys]
    missing = [k[0] for k, e in zip(keys, entries, strict=True) if e is None]
    if not missing:
        return entries
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: the encoder unpacks rows by position
    rows = cursor.execute(f"SELECT {LIST_COLUMNS} FROM jobs WHERE id IN "
                          f"({','.join(map(str, missing))})").fetchall()
    encoder = PageEncoder(state.pieces, Related(conn, state.catalog, rows))
    job_types = state.pieces.job_type_bytes
    built = {}
    for r in rows:
        entry = built[r[0]] = (job_types[r[1]], encoder.tail(r).encode())
        cache.put((r[0], r[POSITION["last_modified"]]), entry)
    return [e or built[k[0]] for k, e in zip(keys, entries, strict=True)]


async def read_ahead(state, q, offset: int, size: int, count: int | None = None,
                     generation: int | None = None) -> None:
    """Encode the page at ``offset`` before it is asked for.

    Run on the event loop after a page's body is sent (a starlette BackgroundTask), while the
    client reads it: a client following ``next`` then finds the next page's rows ready. The
    connection's next request waits for it (uvicorn serves one request per connection at a time),
    so the work is never done twice, and its page keys are handed to that request. When the
    rows are cached already it costs one index query.
    """
    with state.db.read() as conn:
        # The count holds only while nothing was written since it was taken.
        known = count if generation == state.db.generation else None
        keys = page_keys(conn, state, q, offset, size, known)
        encode_rows(conn, state, keys)
        # Keyed by the generation the keys were read in (a write may follow the lock's release).
        handed = (q.sql_where(), tuple(q.args), q.order, offset, size, state.db.generation)
    if len(state.keys_ahead) >= 64:  # one per client walking pages
        state.keys_ahead.clear()
    state.keys_ahead[handed] = keys
