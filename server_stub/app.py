"""``create_app``: the stub Scale server as a FastAPI application.

Routes are mounted under ``/v6`` and ``/v7`` like Scale's. Middleware does what Django and DRF do
around Scale's views (slash redirects, auth, error bodies); the lifespan seeds the database if
it is empty, applies commands left from a previous run, and starts the simulator.
"""

from __future__ import annotations

import contextlib
import logging

from fastapi import FastAPI, Request
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from server_stub.http.openapi import with_links
from server_stub.http.routes import actions, control, job_types, logs, scheduler
from server_stub.http.routes import jobs as job_routes
from server_stub.http.routes.common import RouteNotFound
from server_stub.http.state import StubState
from server_stub.http.web import ScaleFront, detail, django_404
from server_stub.sim.seed import seed_database, span_for
from server_stub.sim.simulator import Simulator
from server_stub.store import scheduler as scheduler_settings
from server_stub.store.catalog import Catalog
from server_stub.store.command_log import CommandApplier
from server_stub.store.db import Database
from server_stub.store.joblist import Pieces
from server_stub.store.params import APIError
from server_stub.store.timefmt import FIXED_EPOCH_US, now_us

log = logging.getLogger("server_stub")


def open_state(db_path: str = ":memory:", *, jobs: int = 200, seed: int = 1,
               simulate: bool = True, token: str | None = None,
               paused: bool = False) -> StubState:
    """Open (and seed, if new) the database; apply commands an earlier process accepted.

    ``paused`` pauses the scheduler (as ``PATCH /scheduler/ {"is_paused": true}`` would);
    without it a database keeps the state it was left in (a new one is unpaused).
    """
    if not 1 <= jobs <= 10_000_000:
        raise ValueError(f"jobs must be between 1 and 10,000,000, got {jobs}")
    db = Database(db_path)
    catalog = Catalog.load()
    if not db.is_seeded():
        # Frozen data hangs off a fixed epoch; live data ends now so the demo looks current.
        start = FIXED_EPOCH_US if not simulate else now_us() - span_for(jobs)
        seed_database(db, catalog, jobs=jobs, seed=seed, start_us=start, live=simulate)
    if paused:
        with db.write() as conn:
            scheduler_settings.write(conn, {"is_paused": True})
    state = StubState(db=db, catalog=catalog, token=token, simulate=simulate,
                      pieces=Pieces(catalog))
    state.applier = CommandApplier(db, catalog)
    state.applier.drain()
    state.simulator = Simulator(db, catalog, seed, live=simulate)
    return state


def create_app(db_path: str = ":memory:", *, jobs: int = 200, seed: int = 1,
               simulate: bool = True, token: str | None = None,
               paused: bool = False) -> FastAPI:
    state = open_state(db_path, jobs=jobs, seed=seed, simulate=simulate, token=token,
                       paused=paused)

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI):
        state.applier.start()
        if simulate:
            state.simulator.start()
        try:
            yield
        finally:
            state.simulator.stop()
            state.applier.stop()

    app = FastAPI(title="Scale v6 job services (stub)", version="7.0.0", lifespan=lifespan,
                  redirect_slashes=False, docs_url="/_stub/docs", redoc_url=None,
                  openapi_url="/_stub/openapi.json")
    app.state.stub = state
    for prefix in ("/v6", "/v7"):
        for module in (actions, job_routes, logs, job_types, scheduler):
            app.include_router(module.router, prefix=prefix,
                               include_in_schema=prefix == "/v6")
    app.include_router(control.router)

    app.add_middleware(ScaleFront, state=state)
    plain_openapi = app.openapi
    app.openapi = lambda: with_links(plain_openapi())  # links for schemathesis' stateful phase

    @app.exception_handler(APIError)
    async def api_error(request: Request, exc: APIError) -> Response:
        return detail(exc.status, exc.detail)

    @app.exception_handler(RouteNotFound)
    async def route_not_found(request: Request, exc: RouteNotFound) -> Response:
        return django_404(request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if exc.status_code == 405:
            return detail(405, f'Method "{request.method}" not allowed.')
        if exc.status_code == 404:
            return django_404(request.url.path)
        return detail(exc.status_code, str(exc.detail))

    return app
