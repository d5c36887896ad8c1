"""Job types: names, the list, the versions of one name, one version's details, status counts."""

from __future__ import annotations

import re
from datetime import timedelta

from fastapi import APIRouter, Request
from starlette.responses import Response

from server_stub.http.openapi import PAGE_PARAMS, query_params
from server_stub.http.routes.common import (
    RouteNotFound,
    check_format,
    envelope,
    page_of,
    params,
    stub,
)
from server_stub.http.web import json_response
from server_stub.store.catalog import RECIPE_TYPES, JobType
from server_stub.store.params import APIError, NotFound, Params
from server_stub.store.timefmt import drf, drf_text, now_us

router = APIRouter()
TYPE_FILTERS = [("keyword", "array"), ("id", "array"), ("is_active", "string"),
                ("is_system", "string")]
# job/urls.py: a name is [\w-]+ and a version [\w.]+; anything else is Django's HTML 404.
NAME = re.compile(r"^[\w-]+$")
VERSION = re.compile(r"^[\w.]+$")
# Which recipe types use a job type (RecipeTypeJobLink); the stub's two pipelines by prefix.
RECIPE_TYPE_OF = {"landsat8-": 1, "wv2-": 2}


def _times(item: dict) -> dict:
    return {k: drf_text(v) if k in ("created", "deprecated", "paused", "last_modified") else v
            for k, v in item.items()}


def _version_key(version: str) -> tuple:
    """JobType.version_array: the numeric parts of a semantic version, for "newest"."""
    return tuple(int(part) if part.isascii() and part.isdigit() else -1 for part in
                 re.split(r"[.+-]", version)[:4])


def _filtered(request: Request, p: Params) -> list[JobType]:
    """JobTypeManager.get_job_types_v6 (job/models.py): a keyword matches the name or a tag
    (icontains); ids, is_active, is_system; ordered by name."""
    state = stub(request)
    keywords = [k.lower() for k in p.string_list("keyword")]
    ids = p.int_list("id")
    active, system = p.bool("is_active"), p.bool("is_system")
    out = []
    for jt in sorted(state.catalog.job_types.values(), key=lambda t: (t.name.lower(), t.id)):
        words = [jt.name.lower(), *(t.lower() for t in jt.manifest["job"].get("tags", []))]
        if keywords and not any(k in w for k in keywords for w in words):
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
    """JobTypeManager.get_job_type_names_v6: the names the filters match; for each, the newest
    version of that name (any version, filtered or not) and every version
    (JobTypeListSerializerV6: the base fields without id and version)."""
    check_format(request)
    catalog = stub(request).catalog
    names = sorted({jt.name for jt in _filtered(request, params(request))})
    results = []
    for name in names:
        versions = sorted((jt for jt in catalog.job_types.values() if jt.name == name),
                          key=lambda jt: jt.id)
        latest = max(versions, key=lambda jt: _version_key(jt.version))
        item = {k: v for k, v in latest.base.items() if k not in ("id", "version")}
        results.append({**item, "versions": [jt.version for jt in versions],
                        "latest_version": latest.version})
    return _page(request, results)


@router.get("/job-types/", openapi_extra=query_params(TYPE_FILTERS + PAGE_PARAMS))
async def job_types(request: Request) -> Response:
    check_format(request)
    return _page(request, [_times(jt.listing) for jt in _filtered(request, params(request))])


@router.get("/job-types/status/", openapi_extra=query_params(
    [("is_active", "string"), ("started", "string"), ("ended", "string"), *PAGE_PARAMS]))
async def job_type_status(request: Request) -> Response:
    """JobTypeManager.get_status: counts per job type, status and error category of the jobs
    whose last_status_change is in [started, ended] (started defaults to 3 hours ago), plus
    every RUNNING job whatever its time; every job type listed, by last_modified."""
    state = stub(request)
    check_format(request)
    p = params(request)
    started, ended = p.time_range()
    if started is None:
        started = now_us() - int(timedelta(hours=3).total_seconds() * 1_000_000)
    active = p.bool("is_active")
    window, args = "last_status_change >= ?", [started]
    if ended is not None:
        window += " AND last_status_change <= ?"
        args.append(ended)
    with state.db.read() as conn:
        rows = conn.execute(
            "SELECT job_type_id, status, error_id, count(*), max(last_status_change) FROM jobs "
            f"WHERE status = 'RUNNING' OR ({window}) GROUP BY job_type_id, status, error_id",
            args).fetchall()
    counts: dict[int, dict[tuple, list]] = {}
    for type_id, status, error_id, n, recent in rows:
        error = state.catalog.errors.get(error_id)
        key = (status, error.category if error else None)
        slot = counts.setdefault(type_id, {}).setdefault(key, [0, 0])
        slot[0] += n
        slot[1] = max(slot[1], recent or 0)
    results = []
    for jt in sorted(state.catalog.job_types.values(),
                     key=lambda t: (t.raw["last_modified"], t.id)):
        if active is not None and jt.raw["is_active"] != active:
            continue
        job_counts = [{"status": s, "count": n, "most_recent": drf(recent), "category": cat}
                      for (s, cat), (n, recent) in sorted(counts.get(jt.id, {}).items(),
                                                          key=lambda kv: (kv[0][0],
                                                                          kv[0][1] or ""))]
        results.append({"job_type": jt.base, "job_counts": job_counts})
    return _page(request, results)


def _by_type(request: Request, status: str, longest: str) -> Response:
    """get_pending_status / get_running_status: jobs of one status per job type, the oldest
    last_status_change as ``longest_*``, oldest first."""
    state = stub(request)
    check_format(request)
    with state.db.read() as conn:
        rows = conn.execute("SELECT job_type_id, count(*), min(last_status_change) AS oldest "
                            "FROM jobs WHERE status = ? GROUP BY job_type_id "
                            "ORDER BY oldest, job_type_id", (status,)).fetchall()
    return _page(request, [{"job_type": state.catalog.job_types[t].base, "count": n,
                            longest: drf(oldest)} for t, n, oldest in rows])


@router.get("/job-types/pending/", openapi_extra=query_params(PAGE_PARAMS))
async def job_types_pending(request: Request) -> Response:
    return _by_type(request, "PENDING", "longest_pending")


@router.get("/job-types/running/", openapi_extra=query_params(PAGE_PARAMS))
async def job_types_running(request: Request) -> Response:
    return _by_type(request, "RUNNING", "longest_running")


@router.get("/job-types/system-failures/", openapi_extra=query_params(PAGE_PARAMS))
async def job_types_system_failures(request: Request) -> Response:
    """get_failed_status: FAILED jobs with a SYSTEM error per job type and error, the most
    recent first (JobTypeFailedStatusSerializerV6)."""
    state = stub(request)
    check_format(request)
    system = [e.id for e in state.catalog.errors.values() if e.category == "SYSTEM"]
    with state.db.read() as conn:
        rows = conn.execute(
            "SELECT job_type_id, error_id, count(*), min(last_status_change), "
            "max(last_status_change) AS last FROM jobs WHERE status = 'FAILED' AND error_id IN "
            f"({','.join(map(str, system)) or 'NULL'}) GROUP BY job_type_id, error_id "
            "ORDER BY last DESC, job_type_id, error_id").fetchall()
    results = []
    for type_id, error_id, n, first, last in rows:
        error = state.catalog.errors[error_id].as_json()
        error.update(created=ERROR_CREATED, last_modified=ERROR_CREATED)
        results.append({"job_type": state.catalog.job_types[type_id].base, "error": error,
                        "count": n, "first_error": drf(first), "last_error": drf(last)})
    return _page(request, results)


ERROR_CREATED = "2015-03-11T00:00:00.000000Z"  # scale/error/fixtures: when the errors were made


@router.get("/job-types/validation/")
async def job_types_validation(request: Request) -> Response:
    raise APIError(405, f'Method "{request.method}" not allowed.')  # POST only in Scale


@router.get("/job-types/{name}/", openapi_extra=query_params(
    [("is_active", "string"), *PAGE_PARAMS]))
async def job_type_versions(request: Request, name: str) -> Response:
    """JobTypeVersionsView: the versions of one name, ``order_by('-version')`` (as text)."""
    check_format(request)
    if not NAME.match(name):
        raise RouteNotFound
    active = params(request).bool("is_active")
    versions = sorted((jt for jt in stub(request).catalog.job_types.values()
                       if jt.name == name and (active is None or jt.raw["is_active"] == active)),
                      key=lambda jt: jt.version, reverse=True)
    return _page(request, [_times(jt.listing) for jt in versions])


@router.get("/job-types/{name}/{version}/")
async def job_type_details(request: Request, name: str, version: str) -> Response:
    """JobTypeDetailsSerializerV6: the listing, manifest, configuration and recipe_types."""
    check_format(request)
    if not NAME.match(name) or not VERSION.match(version):
        raise RouteNotFound
    jt = stub(request).catalog.find_type(name, version)
    if jt is None:
        raise NotFound
    recipe_ids = {rid for prefix, rid in RECIPE_TYPE_OF.items() if jt.name.startswith(prefix)}
    recipe_types = [{"id": rt["id"], "name": rt["name"], "title": rt["title"],
                     "description": rt["description"], "revision_num": rt["revision_num"],
                     "is_active": True, "is_system": False, "created": RECIPE_CREATED,
                     "deprecated": None, "last_modified": RECIPE_CREATED}
                    for rt in RECIPE_TYPES if rt["id"] in recipe_ids]
    return json_response({**_times(jt.details), "recipe_types": recipe_types})


RECIPE_CREATED = "2025-01-01T00:00:00.000000Z"


@router.get("/version/")
async def version(request: Request) -> Response:
    check_format(request)
    return json_response({"version": "7.0.0"})
