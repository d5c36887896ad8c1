"""``/_stub/``: controls for tests and demos, outside Scale's API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from server_stub.http.routes.common import stub
from server_stub.http.web import json_response
from server_stub.store import command_log

router = APIRouter(prefix="/_stub", tags=["stub control"])


@router.get("/requests")
async def recorded_requests(request: Request) -> Response:
    """The last 500 API requests, oldest first: method, path, query pairs, JSON body; a cancel
    or requeue also says what became of its command (``PENDING``, ``APPLIED``, ``FAILED``)."""
    state = stub(request)
    out = []
    for entry in list(state.requests.entries):
        if "command" in entry:
            entry = {**entry, "command": command_log.outcome(state.db, entry["command"])}
        out.append(entry)
    return json_response(out)


@router.delete("/requests")
async def forget_requests(request: Request) -> Response:
    stub(request).requests.entries.clear()
    return Response(status_code=204)


@router.post("/tick")
async def tick(request: Request) -> Response:
    """Advance the simulator one step (what it does on its own every second when on)."""
    state = stub(request)
    state.applier.drain()
    changes = state.simulator.step()
    return json_response(changes)


@router.post("/drain")
async def drain(request: Request) -> Response:
    """Apply every cancel/requeue command accepted so far, now."""
    state = stub(request)
    before = command_log.failed_count(state.db)
    applied = state.applier.drain()
    # `applied` counts every command taken off the queue; `failed` those of them that failed.
    return json_response({"applied": applied,
                          "failed": command_log.failed_count(state.db) - before})
