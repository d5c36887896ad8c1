"""`Http(blocking=True)` (api/http.py BlockingTransport): httpx's sync transport behind the async
client, used by the console's early first page. Over a real loopback server it must read and
fail exactly as the async transport does: same models, same caps, same typed errors."""

from __future__ import annotations

import socket

import pytest

from scale_tui.api import NotFound, ScaleClient, ScaleConnectionError, UnexpectedResponse
from scale_tui.api.http import BlockingTransport
from tests.fakes import FakeScale, page, respond, serve

JOBS = [{"id": n, "status": "RUNNING", "job_type": {"name": "sam", "version": "1.0"}}
        for n in range(1, 6)]


@pytest.fixture(scope="module")  # one server: its shutdown waits out a 0.5 s poll
def url():
    fake = FakeScale()
    fake.on("GET", "/v6/jobs/", respond(page(JOBS)))
    fake.on("GET", "/v6/jobs/9/", respond({"detail": "Not found."}, 404))
    fake.on("GET", "/v6/jobs/8/", respond({"id": 8, "status": "FAILED",
                                           "note": "x" * 5000}))
    with serve(fake) as address:
        yield address


async def both(url: str, call, **kwargs):
    """What `call(client)` gives with the async transport and with the blocking one."""
    found = []
    for blocking in (False, True):
        async with ScaleClient(url, max_tries=1, blocking=blocking, **kwargs) as client:
            if blocking:
                assert isinstance(client._http._client._transport, BlockingTransport)
            try:
                found.append(await call(client))
            except Exception as exc:  # compared below
                found.append((type(exc), str(exc)))
    return found


async def test_a_page_reads_the_same(url):
    plain, blocking = await both(url, lambda c: c.list_jobs(page_size=5))
    assert [j.id for j in blocking.results] == [j.id for j in plain.results] == [1, 2, 3, 4, 5]
    assert blocking.results[0].job_type_label == "sam 1.0"


async def test_an_error_answer_is_the_same_typed_error(url):
    plain, blocking = await both(url, lambda c: c.get_job(9))
    assert plain == blocking and plain[0] is NotFound


async def test_the_body_cap_holds(url):
    async def capped(client):
        return await client._http.get("v6/jobs/8/", max_bytes=1000)

    plain, blocking = await both(url, capped)
    assert plain == blocking and plain[0] is UnexpectedResponse
    assert "cap" in blocking[1]


async def test_a_refused_connection_is_a_connection_error():
    with socket.socket() as unused:
        unused.bind(("127.0.0.1", 0))
        port = unused.getsockname()[1]
    plain, blocking = await both(f"http://127.0.0.1:{port}", lambda c: c.list_jobs())
    assert plain[0] is blocking[0] is ScaleConnectionError
