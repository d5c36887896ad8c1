"""The job list's rows encoded straight to JSON text, from pre-encoded pieces.

A page of 100 jobs is ~160 KB, mostly the same job types and errors repeated; encoding those
once and splicing the text halves the server's work per page. ``serialize.job`` stays the
readable definition of a row; ``test_list_rows_equal_serializer_output`` holds the two equal.
"""

from __future__ import annotations

import json
from functools import cached_property

from server_stub.catalog import Catalog
from server_stub.serialize import BATCH_BY_ID, NODE_BY_ID, Related
from server_stub.timefmt import drf_json as _ts

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
        # Unpacked by position (the jobs table's column order): sqlite3.Row lookups by name
        # scan the column list and would cost more than the encoding itself.
        (_job_id, type_id, status, event_id, ingest_event_id, recipe_id, batch_id,
         is_superseded, sup, _superseded_by, node_id, error_id, max_tries, num_exes, _priority,
         size, input_files, _input, _output, _configuration, created, queued, started, ended,
         last_status_change, superseded, last_modified, source_started, source_ended,
         sensor_class, sensor, collection, task, _list_json) = r
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


def encode_page(conn, state, rows: list[tuple]) -> str:
    """The page's JSON, reusing each row's cached tail and caching the ones it had to build."""
    job_type = state.pieces.job_type
    missing = [r for r in rows if r[-1] is None]
    tails = {}
    if missing:
        encoder = PageEncoder(state.pieces, Related(conn, state.catalog, missing))
        tails = {r[0]: encoder.tail(r) for r in missing}
        state.db.fill_cache("UPDATE jobs SET list_json = ? WHERE id = ?",
                            [(text, job_id) for job_id, text in tails.items()])
    return "[" + ",".join(f'{{"id":{r[0]},"job_type":{job_type[r[1]]}{r[-1] or tails[r[0]]}'
                          for r in rows) + "]"
