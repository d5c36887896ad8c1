"""Reading jobs: the list, details, input files, executions (Scale's ``job/views.py``)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.background import BackgroundTask
from starlette.responses import Response

from server_stub.http.openapi import JOB_LIST_PARAMS, PAGE_PARAMS, query_params
from server_stub.http.pagination import DEFAULT_PAGE_SIZE
from server_stub.http.routes.common import check_format, envelope, page_of, params, path_id, stub
from server_stub.http.web import json_response
from server_stub.store import serialize
from server_stub.store.joblist import encode_page, page_keys, read_ahead
from server_stub.store.jobquery import JobQuery, list_filters
from server_stub.store.params import APIError, NotFound

router = APIRouter()
EXE_COLUMNS = "e.*, j.job_type_id AS job_type_id"


def count_jobs(state, conn, q: JobQuery) -> int:
    """Exact counts; per-status totals come from the trigger-kept table, others are cached."""
    if q.statuses is not None:
        if not q.statuses:
            row = conn.execute("SELECT coalesce(sum(n), 0) FROM job_counts").fetchone()
        else:
            marks = ",".join("?" * len(set(q.statuses)))
            row = conn.execute(f"SELECT coalesce(sum(n), 0) FROM job_counts WHERE status IN "
                               f"({marks})", list(set(q.statuses))).fetchone()
        return row[0]
    key = (q.sql_where(), tuple(q.args))
    cached = state.count_cache.get(key)
    if cached and cached[0] == state.db.generation:
        return cached[1]
    n = conn.execute(f"SELECT count(*) FROM jobs WHERE {q.sql_where()}", q.args).fetchone()[0]
    if len(state.count_cache) > 256:
        state.count_cache.clear()
    state.count_cache[key] = (state.db.generation, n)
    return n


@router.get("/jobs/", openapi_extra=query_params(JOB_LIST_PARAMS + PAGE_PARAMS))
async def list_jobs(request: Request) -> Response:
    state = stub(request)
    check_format(request)
    q = list_filters(params(request), state.catalog)
    with state.db.read() as conn:
        count = count_jobs(state, conn, q)
        number, size = page_of(request, count)
        offset = (number - 1) * size
        results = encode_page(conn, state, page_keys(conn, state, q, offset, size, count))
        generation = state.db.generation
    ahead = None
    if offset + size < count and size <= DEFAULT_PAGE_SIZE:
        ahead = BackgroundTask(read_ahead, state, q, offset + size, size, count, generation)
    return json_response(envelope(request, count, number, size, results), background=ahead)


def job_details(conn, state, job_id: int) -> dict:
    row = conn.execute("SELECT * FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if row is None:
        raise NotFound
    execution = None
    # Scale fills `execution` only for these statuses, and only with exe_num == num_exes.
    if row["status"] in ("QUEUED", "RUNNING", "COMPLETED", "FAILED"):
        exe = conn.execute(f"SELECT {EXE_COLUMNS} FROM executions e JOIN jobs j "
                           "ON j.id = e.job_id WHERE e.job_id = ? AND e.exe_num = ?",
                           (job_id, row["num_exes"])).fetchone()
        if exe is not None:
            execution = serialize.execution_details(exe, state.catalog, row["output"], conn)
    rel = serialize.Related(conn, state.catalog, [row])
    return serialize.job_details(conn, row, rel, execution)


@router.get("/jobs/{job_id}/")
async def get_job(request: Request, job_id: str) -> Response:
    state = stub(request)
    if job_id in ("cancel", "requeue"):  # Django routes these to the POST-only views
        raise APIError(405, f'Method "{request.method}" not allowed.')
    check_format(request)
    jid = path_id(job_id)
    with state.db.read() as conn:
        return json_response(job_details(conn, state, jid))


INPUT_FILE_PARAMS = [("started", "string"), ("ended", "string"), ("time_field", "string"),
                     ("file_name", "string"), ("job_input", "string"), *PAGE_PARAMS]
EXECUTION_PARAMS = [("status", "array"), ("node_id", "array"), ("error_id", "array"),
                    ("error_category", "array"), *PAGE_PARAMS]


@router.get("/jobs/{job_id}/input_files/", openapi_extra=query_params(INPUT_FILE_PARAMS))
async def job_input_files(request: Request, job_id: str) -> Response:
    state = stub(request)
    check_format(request)
    jid = path_id(job_id)
    p = params(request)
    started, ended = p.time_range()
    time_field = p.string("time_field", accepted=["source", "data", "last_modified"])
    file_name, job_input = p.string("file_name"), p.string("job_input")
    where, args = ["l.job_id = ?"], [jid]
    low, high = {"source": ("source_started", "source_ended"),
                 "data": ("data_started", "data_ended")}.get(time_field or "",
                                                            ("last_modified", "last_modified"))
    for column, op, value in ((low, ">=", started), (high, "<=", ended)):
        if value is not None:
            where.append(f"f.{column} {op} ?")
            args.append(value)
    if file_name:
        where.append("f.file_name = ?")
        args.append(file_name)
    if job_input:
        where.append("l.job_input = ?")
        args.append(job_input)
    with state.db.read() as conn:
        if conn.execute("SELECT 1 FROM jobs WHERE id = ?", (jid,)).fetchone() is None:
            raise NotFound  # real Scale answers 500 here
        sql = (f"FROM job_input_files l JOIN files f ON f.id = l.file_id "
               f"WHERE {' AND '.join(where)}")
        count = conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0]
        number, size = page_of(request, count)
        rows = conn.execute(f"SELECT f.*, l.job_input AS job_input {sql} "
                            "ORDER BY f.last_modified, f.id LIMIT ? OFFSET ?",
                            [*args, size, (number - 1) * size]).fetchall()
    results = [serialize.scale_file(r, state.catalog, r["job_input"]) for r in rows]
    return json_response(envelope(request, count, number, size, results))


@router.get("/jobs/{job_id}/executions/", openapi_extra=query_params(EXECUTION_PARAMS))
async def job_executions(request: Request, job_id: str) -> Response:
    state = stub(request)
    check_format(request)
    jid = path_id(job_id)
    p = params(request)
    statuses = p.string_list("status")
    where, args = ["e.job_id = ?"], [jid]
    if statuses:
        if "RUNNING" in statuses:  # Scale excludes the end statuses that were not asked for
            excluded = [s for s in ("COMPLETED", "FAILED", "CANCELED") if s not in statuses]
            if excluded:
                where.append(f"e.status NOT IN ({','.join('?' * len(excluded))})")
                args.extend(excluded)
        else:
            where.append(f"e.status IN ({','.join('?' * len(statuses))})")
            args.extend(statuses)
    for name, column in (("node_id", "e.node_id"), ("error_id", "e.error_id")):
        values = p.int_list(name)
        if values:
            where.append(f"{column} IN ({','.join('?' * len(values))})")
            args.extend(values)
    categories = p.string_list("error_category")
    if categories:
        ids = [e.id for e in state.catalog.errors.values() if e.category in categories]
        where.append(f"e.error_id IN ({','.join(map(str, ids))})")
    sql = f"FROM executions e JOIN jobs j ON j.id = e.job_id WHERE {' AND '.join(where)}"
    with state.db.read() as conn:
        count = conn.execute(f"SELECT count(*) {sql}", args).fetchone()[0]
        number, size = page_of(request, count)
        rows = conn.execute(f"SELECT {EXE_COLUMNS} {sql} ORDER BY e.exe_num DESC LIMIT ? "
                            "OFFSET ?", [*args, size, (number - 1) * size]).fetchall()
    results = [serialize.execution(r, state.catalog) for r in rows]
    return json_response(envelope(request, count, number, size, results))


@router.get("/jobs/{job_id}/executions/{exe_num}/")
async def job_execution(request: Request, job_id: str, exe_num: str) -> Response:
    state = stub(request)
    check_format(request)
    jid, num = path_id(job_id), path_id(exe_num)
    with state.db.read() as conn:
        row = conn.execute(f"SELECT {EXE_COLUMNS}, j.output AS job_output FROM executions e "
                           "JOIN jobs j ON j.id = e.job_id WHERE e.job_id = ? AND e.exe_num = ?",
                           (jid, num)).fetchone()
        if row is None:
            raise NotFound
        details = serialize.execution_details(row, state.catalog, row["job_output"], conn)
    return json_response(details)


@router.get("/job-executions/", openapi_extra=query_params(PAGE_PARAMS))
async def all_executions(request: Request) -> Response:
    # Real Scale filters on job id IS NULL here, so this list is always empty.
    check_format(request)
    number, size = page_of(request, 0)
    return json_response(envelope(request, 0, number, size, []))


@router.get("/job-executions/{exe_id}/")
async def execution_by_id(request: Request, exe_id: str) -> Response:
    # Real Scale always answers 500 here; the stub serves the execution the URL names.
    state = stub(request)
    check_format(request)
    eid = path_id(exe_id)
    with state.db.read() as conn:
        row = conn.execute(f"SELECT {EXE_COLUMNS}, j.output AS job_output FROM executions e "
                           "JOIN jobs j ON j.id = e.job_id WHERE e.id = ?", (eid,)).fetchone()
        if row is None:
            raise NotFound
        details = serialize.execution_details(row, state.catalog, row["job_output"], conn)
    return json_response(details)
