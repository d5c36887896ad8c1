"""The scheduler: ``GET`` and ``PATCH /scheduler/`` (Scale's ``scheduler/views.py``
``SchedulerView``; the same view serves v6 and v7)."""

from __future__ import annotations

import json

from fastapi import APIRouter, Request
from starlette.responses import Response

from server_stub.http.openapi import body_schema
from server_stub.http.routes.common import check_format, json_body, stub
from server_stub.http.web import json_response
from server_stub.store import scheduler

router = APIRouter()

PATCH_BODY = {"is_paused": {"type": "boolean"}, "num_message_handlers": {"type": "integer"},
              "system_logging_level": {"type": "string"},
              "queue_mode": {"type": "string", "enum": list(scheduler.QUEUE_MODES)}}


@router.get("/scheduler/")
async def get_scheduler(request: Request) -> Response:
    state = stub(request)
    check_format(request)
    with state.db.read() as conn:
        return json_response(scheduler.read(conn).as_json())


@router.patch("/scheduler/", openapi_extra=body_schema(PATCH_BODY))
async def patch_scheduler(request: Request) -> Response:
    state = stub(request)
    check_format(request)
    body = await json_body(request, only_json=False)
    try:
        changes = scheduler.parse_update(body)
    except scheduler.SchedulerUpdateError as exc:
        # Scale answers these with Response('text', 400): a JSON string, not {"detail": ...}.
        return json_response(json.dumps(str(exc)), status=400)
    with state.db.write() as conn:
        scheduler.write(conn, changes)
    return Response(status_code=204)
