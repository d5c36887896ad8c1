"""Changing jobs: queue a new one, cancel, requeue (Scale's ``JobsView.post`` and friends)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from server_stub.http.openapi import ACTION_BODY, QUEUE_BODY, body_schema
from server_stub.http.routes.common import check_format, json_body, params, stub
from server_stub.http.routes.jobs import job_details
from server_stub.http.web import absolute_path, json_response
from server_stub.store import command_log
from server_stub.store.jobquery import action_filters
from server_stub.store.queueing import insert_job, parse_new_job, process_input
from server_stub.store.timefmt import now_us

router = APIRouter()


@router.post("/jobs/", openapi_extra=body_schema(QUEUE_BODY))
async def queue_job(request: Request) -> Response:
    state = stub(request)
    check_format(request)
    body = await json_body(request, only_json=False)
    jt, data, configuration = parse_new_job(params(request, body), state.catalog)
    with state.db.write() as conn:
        job_id = insert_job(conn, jt, data, configuration, now_us(), processed=False)
    with state.db.read() as conn:
        details = job_details(conn, state, job_id)
    with state.db.write() as conn:  # job/views.py JobsView.post answers before the input is
        process_input(conn, job_id)  # processed (input_file_size null in the 201)
    location = f"{absolute_path(request)}{job_id}/"
    return json_response(details, status=201, headers={"location": location})


async def _accept(request: Request, kind: str) -> Response:
    state = stub(request)
    check_format(request)
    body = await json_body(request, only_json=True)
    p = params(request, body)
    q = action_filters(p, state.catalog)
    priority = p.int("priority") if kind == "requeue" else None
    command_id = command_log.record(state.db, kind, q, priority)
    entry = request.scope.get("state", {}).get("log_entry")
    if entry is not None:  # /_stub/requests shows what became of the command
        entry["command"] = command_id
    state.applier.notify()
    # DRF renders a None body as zero bytes under application/json.
    return Response(status_code=202, media_type="application/json")


@router.post("/jobs/cancel/", openapi_extra=body_schema(ACTION_BODY))
async def cancel_jobs(request: Request) -> Response:
    return await _accept(request, "cancel")


@router.post("/jobs/requeue/", openapi_extra=body_schema(
    {**ACTION_BODY, "priority": {"type": "integer"}}))
async def requeue_jobs(request: Request) -> Response:
    return await _accept(request, "requeue")


__all__ = ["json_response", "router"]
