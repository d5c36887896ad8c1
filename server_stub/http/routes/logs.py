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


RENDERERS = [("json", "application", "json"), ("txt", "text", "plain"), ("html", "text", "html")]


def _format(request: Request) -> str:
    """DRF's ``DefaultContentNegotiation.select_renderer`` over the view's renderers, in their
    order (JSONRenderer, PlainTextRenderer, StaticHTMLRenderer: job/views.py
    JobExecutionSpecificLogView). Accepted types are grouped by precedence only
    (``order_by_precedence``: type/subtype;params, type/subtype, type/*, */*; ``q`` ignored), and
    within a group the first renderer that matches wins: ``text/html, application/json`` is
    JSON."""
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in FORMATS:
            raise APIError(404, "Not found.")
        return fmt
    groups: list[list[tuple[str, str]]] = [[], [], [], []]
    for part in request.headers.get("accept", "*/*").split(","):
        pieces = [x.strip() for x in part.split(";")]
        main, _, sub = pieces[0].lower().partition("/")
        if not main:
            continue
        params = [x.split("=")[0].strip() for x in pieces[1:] if x]
        sub = sub or "*"
        precedence = (0 if main == "*" else 1 if sub == "*"
                      else 2 if not params or params == ["q"] else 3)
        groups[3 - precedence].append((main, sub))
    if not any(groups):
        groups[3].append(("*", "*"))
    for group in groups:
        for fmt, main, sub in RENDERERS:
            for want_main, want_sub in group:
                if want_main in ("*", main) and want_sub in ("*", sub):
                    return fmt
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
