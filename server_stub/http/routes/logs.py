"""``/job-executions/{id}/logs/{combined,stdout,stderr}/``: Scale's Elasticsearch log view."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from server_stub.http.openapi import query_params
from server_stub.http.routes.common import RouteNotFound, params, path_id, stub
from server_stub.store import logs
from server_stub.store.params import APIError, NotFound

router = APIRouter()
STREAMS = {"combined": None, "stdout": "stdout", "stderr": "stderr"}
FORMATS = {"json": "application/json", "txt": "text/plain; charset=utf-8",
           "html": "text/html; charset=utf-8"}


def _format(request: Request) -> str:
    """DRF content negotiation over JSON, plain text and static HTML renderers."""
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in FORMATS:
            raise APIError(404, "Not found.")
        return fmt
    accept = request.headers.get("accept", "*/*")
    for part in (p.split(";")[0].strip() for p in accept.split(",")):
        if part in ("*/*", "application/*", "application/json", ""):
            return "json"
        if part in ("text/plain", "text/*"):
            return "txt"
        if part == "text/html":
            return "html"
    raise APIError(406, "Could not satisfy the request Accept header.")


@router.get("/job-executions/{exe_id}/logs/{log_name}/",
            openapi_extra=query_params([("started", "string"), ("format", "string")]))
async def execution_log(request: Request, exe_id: str, log_name: str) -> Response:
    if log_name not in STREAMS:
        raise RouteNotFound
    eid = path_id(exe_id)
    fmt = _format(request)
    state = stub(request)
    with state.db.read() as conn:
        exe = conn.execute("SELECT * FROM executions WHERE id = ?", (eid,)).fetchone()
        if exe is None:
            raise NotFound  # (real Scale answers 500 for format=txt; the stub stays JSON)
        since = params(request).timestamp("started")
        if exe["started"] is None:
            return Response(status_code=204, media_type="text/html")
        total, lines = logs.fetch(conn, exe, since, STREAMS[log_name])
    if not lines:
        return Response(status_code=204, media_type="text/html")
    cluster_id = exe["cluster_id"] or f"scale_{eid}"
    if fmt == "txt":
        return Response(logs.as_text(lines), media_type=FORMATS["txt"])
    if fmt == "html":
        return Response(logs.as_html(lines), media_type=FORMATS["html"])
    return Response(logs.as_elasticsearch(total, lines, cluster_id),
                    media_type=FORMATS["json"])
