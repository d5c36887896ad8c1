"""Fakes for the api tests: a recording httpx transport and a client wired to it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from scale_tui.api import ScaleClient

Handler = Callable[[httpx.Request], httpx.Response]


class FakeScale:
    """An httpx transport that answers by path and records every request it saw."""

    def __init__(self) -> None:
        self.routes: dict[tuple[str, str], list[Handler] | Handler] = {}
        self.requests: list[httpx.Request] = []

    def on(self, method: str, path: str, *responses: httpx.Response | Handler) -> None:
        """Answer ``method path`` with ``responses`` in turn (the last one repeats)."""
        handlers = [r if callable(r) else _constant(r) for r in responses]
        self.routes[(method, path)] = handlers

    def handle(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        handlers = self.routes.get((request.method, request.url.path))
        if not handlers:
            return httpx.Response(404, json={"detail": "Not found."})
        handler = handlers.pop(0) if len(handlers) > 1 else handlers[0]
        return handler(request)

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)


def _constant(response: httpx.Response) -> Handler:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(
            response.status_code, headers=response.headers, content=response.content
        )

    return answer


@pytest.fixture
def fake() -> FakeScale:
    return FakeScale()


@pytest.fixture
async def client(fake: FakeScale):
    async with ScaleClient(
        "http://scale.test/service/scale/api",
        token="t0ps3cret",
        transport=httpx.MockTransport(fake.handle),
        backoff=0,
    ) as scale:
        yield scale


@pytest.fixture(scope="module")
def monkeypatch_cap():
    """Shrink the log page cap for the follower property test (module-wide, restored after)."""
    from scale_tui.api import logs

    saved = logs.LOG_PAGE_CAP
    logs.LOG_PAGE_CAP = 5
    yield 5
    logs.LOG_PAGE_CAP = saved
