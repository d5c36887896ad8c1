"""Helpers for the console's tests: an isolated environment, a frozen clock, an app factory,
and `FakeScale`, a tiny in-memory Scale behind httpx.MockTransport for behaviour the seeded stub
cannot produce on demand (slow answers, reordering pages, outages)."""

from __future__ import annotations

import asyncio
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from scale_tui.api import ScaleClient
from scale_tui.core import clock
from scale_tui.core.config import Profile

# The stub's seed data (simulate=False) lies between 2026-01-01 00:00 and 06:00 UTC.
FROZEN_NOW = datetime(2026, 1, 1, 6, 30, tzinfo=UTC)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No test reads or writes the user's config, state or logs."""
    for name, sub in (("SCALE_TUI_CONFIG_DIR", "config"), ("SCALE_TUI_STATE_DIR", "state"),
                      ("SCALE_TUI_DATA_DIR", "data")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    for name in ("SCALE_TUI_CONFIG", "SCALE_TUI_PROFILE", "SCALE_TUI_URL", "SCALE_TUI_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def frozen_clock():
    with clock.freeze(FROZEN_NOW) as moment:
        yield moment


@pytest.fixture
def make_app(isolated):
    """`make_app(url, client=None, **profile_fields)` -> a ScaleApp for run_test()."""
    from scale_tui.app import ScaleApp

    def make(url: str = "http://127.0.0.1:9", *, client: ScaleClient | None = None,
             name: str = "test", **fields: Any) -> ScaleApp:
        fields.setdefault("refresh_interval", 300.0)  # tests refresh explicitly
        fields.setdefault("page_size", 40)  # less to parse and draw; the first-page test uses 100
        return ScaleApp(name, Profile(url=url, **fields), client=client)

    return make


def job_payload(job_id: int, *, status: str = "RUNNING", minute: int = 0,
                job_type: str = "sam", node: str | None = "node-1", **extra: Any) -> dict:
    moment = (FROZEN_NOW - timedelta(minutes=60 - minute)).isoformat().replace("+00:00", "Z")
    return {
        "id": job_id, "status": status, "num_exes": 1, "max_tries": 3,
        "job_type": {"id": 1, "name": job_type, "version": "1.0", "title": job_type.upper()},
        "node": {"id": 1, "hostname": node} if node else None,
        "error": None, "is_superseded": False,
        "created": moment, "queued": moment, "started": moment, "ended": None,
        "last_modified": moment, **extra,
    }


class FakeScale:
    """Answers GET /v6/jobs/ from `self.jobs` (already in the order to return), page requests
    optionally slowly; records every request and the most job-list requests it ever had in
    flight at once (the header's version and scheduler reads run beside them by design)."""

    def __init__(self, jobs: list[dict] | None = None, *, delay: float = 0.0) -> None:
        self.jobs = jobs or []
        self.delay = delay
        self.requests: list[httpx.Request] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self.down = False
        self.gate: asyncio.Event | None = None  # while set and closed, page requests wait

    def hold(self) -> None:
        """Page requests wait (as on a stuck server) until `release()`."""
        self.gate = asyncio.Event()

    def release(self) -> None:
        if self.gate is not None:
            self.gate.set()

    def client(self) -> ScaleClient:
        return ScaleClient("http://scale.test", transport=httpx.MockTransport(self.handle),
                           max_tries=1)

    def list_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if r.url.path == "/v6/jobs/"
                and r.url.params.get("page_size") != "1"]

    async def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        counted = request.url.path == "/v6/jobs/"
        self.in_flight += counted
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if request in self.list_requests():  # only pages are slow: keeps the tests short
                if self.gate is not None:
                    await self.gate.wait()
                if self.delay:
                    await asyncio.sleep(self.delay)
            if self.down:
                raise httpx.ConnectError("connection refused", request=request)
            return self.answer(request)
        finally:
            self.in_flight -= counted

    def answer(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if path == "/v6/job-type-names/":
            return _json({"count": 1, "next": None, "previous": None,
                          "results": [{"name": "sam", "versions": ["1.0"]}]})
        if path == "/v6/jobs/":
            statuses = request.url.params.get_list("status")
            jobs = [j for j in self.jobs if not statuses or j["status"] in statuses]
            size = int(request.url.params.get("page_size", 100))
            return _json({"count": len(jobs), "next": None, "previous": None,
                          "results": jobs[:size]})
        return httpx.Response(404, json={"detail": "Not found."})


def _json(data: Any) -> httpx.Response:
    return httpx.Response(200, content=json.dumps(data),
                          headers={"content-type": "application/json"})


def plain_text(widget, width: int = 200) -> str:
    """What a Static shows, as plain text (its content may be a Rich renderable)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.export_text()


async def settle(pilot, app) -> None:
    """Let messages, workers and the redraw they cause finish."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
