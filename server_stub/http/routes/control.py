"""``/_stub/``: controls for tests and demos, outside Scale's API."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.responses import Response

from server_stub.http.routes.common import stub
from server_stub.http.web import json_response

router = APIRouter(prefix="/_stub", tags=["stub control"])


@router.get("/requests")
async def recorded_requests(request: Request) -> Response:
    """The last 500 API requests, oldest first: method, path, query pairs, JSON body."""
    return json_response(list(stub(request).requests.entries))


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
    applied = stub(request).applier.drain()
    return json_response({"applied": applied})
