"""Job types: names, the list, the versions of one name, one version's details, status counts."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from server_stub.http.openapi import PAGE_PARAMS, query_params
from server_stub.http.routes.common import check_format, envelope, page_of, params, stub
from server_stub.http.web import json_response
from server_stub.store.catalog import JobType
from server_stub.store.params import NotFound, Params
from server_stub.store.timefmt import drf, now_us

router = APIRouter()
TYPE_FILTERS = [("keyword", "array"), ("id", "array"), ("is_active", "string"),
                ("is_system", "string")]


def _filtered(request: Request, p: Params) -> list[JobType]:
    state = stub(request)
    keywords = [k.lower() for k in p.string_list("keyword")]
    ids = p.int_list("id")
    active, system = p.bool("is_active"), p.bool("is_system")
    out = []
    for jt in sorted(state.catalog.job_types.values(), key=lambda t: (t.name, t.version)):
        text = " ".join([jt.name, jt.raw["title"], jt.raw["description"],
                         " ".join(jt.manifest["job"].get("tags", []))]).lower()
        if keywords and not any(k in text for k in keywords):
            continue
        if ids and jt.id not in ids:
            continue
        if active is not None and jt.raw["is_active"] != active:
            continue
        if system is not None and jt.raw["is_system"] != system:
            continue
        out.append(jt)
    return out


def _page(request: Request, items: list) -> Response:
    number, size = page_of(request, len(items))
    chunk = items[(number - 1) * size: number * size]
    return json_response(envelope(request, len(items), number, size, chunk))


@router.get("/job-type-names/", openapi_extra=query_params(TYPE_FILTERS + PAGE_PARAMS))
async def job_type_names(request: Request) -> Response:
    check_format(request)
    by_name: dict[str, list[JobType]] = {}
    for jt in _filtered(request, params(request)):
        by_name.setdefault(jt.name, []).append(jt)
    results = []
    for name, versions in sorted(by_name.items()):
        latest = versions[-1]
        results.append({"name": name, "title": latest.raw["title"],
                        "description": latest.raw["description"],
                        "icon_code": latest.raw["icon_code"],
                        "versions": [v.version for v in versions],
                        "latest_version": latest.version})
    return _page(request, results)


@router.get("/job-types/", openapi_extra=query_params(TYPE_FILTERS + PAGE_PARAMS))
async def job_types(request: Request) -> Response:
    check_format(request)
    return _page(request, [jt.listing for jt in _filtered(request, params(request))])


@router.get("/job-types/status/", openapi_extra=query_params(
    [("is_active", "string"), ("started", "string"), ("ended", "string"), *PAGE_PARAMS]))
async def job_type_status(request: Request) -> Response:
    """Counts per job type and status (FAILED split by error category) since ``started``."""
    state = stub(request)
    check_format(request)
    p = params(request)
    started, ended = p.time_range()
    if started is None:  # Scale's default window is the last three hours
        started = now_us() - int(timedelta(hours=3).total_seconds() * 1_000_000)
    active = p.bool("is_active")
    where, args = ["last_modified >= ?"], [started]
    if ended is not None:
        where.append("last_modified <= ?")
        args.append(ended)
    with state.db.read() as conn:
        rows = conn.execute(
            "SELECT job_type_id, status, error_id, count(*), max(last_status_change) FROM jobs "
            f"WHERE {' AND '.join(where)} GROUP BY job_type_id, status, error_id", args
        ).fetchall()
    counts: dict[int, dict[tuple, list]] = {}
    for type_id, status, error_id, n, recent in rows:
        error = state.catalog.errors.get(error_id) if status == "FAILED" else None
        key = (status, error.category if error else None)
        slot = counts.setdefault(type_id, {}).setdefault(key, [0, 0])
        slot[0] += n
        slot[1] = max(slot[1], recent or 0)
    results = []
    for jt in sorted(state.catalog.job_types.values(), key=lambda t: (t.name, t.version)):
        if active is not None and jt.raw["is_active"] != active:
            continue
        job_counts = [{"status": s, "count": n, "most_recent": drf(recent), "category": cat}
                      for (s, cat), (n, recent) in sorted(counts.get(jt.id, {}).items(),
                                                          key=lambda kv: (kv[0][0],
                                                                          kv[0][1] or ""))]
        results.append({"job_type": jt.base, "job_counts": job_counts})
    return _page(request, results)


@router.get("/job-types/{name}/", openapi_extra=query_params(
    [("is_active", "string"), *PAGE_PARAMS]))
async def job_type_versions(request: Request, name: str) -> Response:
    check_format(request)
    p = params(request)
    active = p.bool("is_active")
    versions = [jt.listing for jt in _filtered(request, Params([]))
                if jt.name == name and (active is None or jt.raw["is_active"] == active)]
    return _page(request, versions)


@router.get("/job-types/{name}/{version}/")
async def job_type_details(request: Request, name: str, version: str) -> Response:
    check_format(request)
    jt = stub(request).catalog.find_type(name, version)
    if jt is None:
        raise NotFound
    return json_response(jt.details)


@router.get("/version/")
async def version(request: Request) -> Response:
    check_format(request)
    return json_response({"version": "7.0.0"})
