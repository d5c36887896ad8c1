"""Every failure reaches the user as one readable line with the request attached, never the
token; GETs are retried when it can help, POSTs never are."""

from __future__ import annotations

import httpx
import pytest

from scale_tui.api import (
    BadRequest,
    Forbidden,
    JobFilter,
    NotFound,
    Redirected,
    ScaleAPIError,
    ScaleClient,
    ScaleConnectionError,
    ScaleTimeout,
    ServerError,
    UnexpectedResponse,
)
from scale_tui.api.errors import detail_from_body
from tests.fakes import refused, timed_out

DJANGO_500 = (
    '<!DOCTYPE html>\n<html lang="en"><head><title>Server Error (500)</title></head>'
    "<body><h1>Server Error (500)</h1><p>Something went <b>wrong</b>.</p></body></html>"
)
DJANGO_404 = (
    "<html><head></head><body><h1>Not Found</h1><p>The requested URL /v6/jobs/abc/ was "
    "not found on this server.</p></body></html>"
)


@pytest.mark.parametrize(
    ("status", "body", "kind", "message"),
    [
        (400, {"detail": "Invalid ISO timestamp format for parameter: started"}, BadRequest,
         "Bad request (400) from GET /service/scale/api/v6/jobs/1/: "
         "Invalid ISO timestamp format for parameter: started"),
        (403, {"detail": "Authentication credentials were not provided."}, Forbidden,
         "Forbidden (403) from GET /service/scale/api/v6/jobs/1/: "
         "Authentication credentials were not provided."),
        (401, {"detail": "Invalid token."}, Forbidden,
         "Forbidden (401) from GET /service/scale/api/v6/jobs/1/: Invalid token."),
        (404, {"detail": "Not found."}, NotFound,
         "Not found (404) from GET /service/scale/api/v6/jobs/1/: Not found."),
        (405, {"detail": 'Method "GET" not allowed.'}, ScaleAPIError,
         'Error (405) from GET /service/scale/api/v6/jobs/1/: Method "GET" not allowed.'),
    ],
)  # fmt: skip
async def test_drf_detail_becomes_the_message(fake, client, status, body, kind, message):
    fake.on("GET", "/service/scale/api/v6/jobs/1/", httpx.Response(status, json=body))
    with pytest.raises(kind) as caught:
        await client.get_job(1)
    assert type(caught.value) is kind
    assert str(caught.value) == message
    assert caught.value.status == status
    assert caught.value.method == "GET"
    assert caught.value.url == "http://scale.test/service/scale/api/v6/jobs/1/"


async def test_html_500_shows_its_title_never_html(fake, client):
    page = httpx.Response(500, text=DJANGO_500, headers={"content-type": "text/html"})
    fake.on("GET", "/service/scale/api/v6/jobs/", page)
    with pytest.raises(ServerError) as caught:
        await client.list_jobs(JobFilter(order=["nonsense"]))
    assert str(caught.value) == (
        "Server error (500) from GET /service/scale/api/v6/jobs/: Server Error (500)"
    )
    assert "<" not in str(caught.value)


def test_html_without_title_falls_back_to_h1_then_text():
    assert detail_from_body(DJANGO_404, "text/html") == "Not Found"
    assert detail_from_body("<p>proxy &amp; <i>down</i></p>", "text/html") == "proxy & down"


def test_bare_json_string_and_field_errors_are_shown_as_text():
    assert detail_from_body(b'"Invalid job data: missing input"', "application/json") == (
        "Invalid job data: missing input"
    )
    assert detail_from_body(b'{"priority": ["must be at least 1"]}', "application/json") == (
        "priority: must be at least 1"
    )
    assert detail_from_body(b"\xff\xfe plain text", "text/plain").endswith("plain text")
    assert len(detail_from_body("x" * 5000, "text/plain")) <= 300


async def test_empty_error_body_gets_the_http_reason(fake, client):
    fake.on("GET", "/service/scale/api/v6/version/", httpx.Response(502))
    with pytest.raises(ServerError, match=r"\(502\) from GET .*: Bad Gateway$"):
        await client.get_version()


async def test_token_never_appears_in_errors(fake, client):
    fake.on("GET", "/service/scale/api/v6/jobs/1/", httpx.Response(403, json={"detail": "no"}))
    with pytest.raises(Forbidden) as caught:
        await client.get_job(1)
    assert fake.last.headers["authorization"] == "Token t0ps3cret"
    assert "t0ps3cret" not in str(caught.value) + repr(caught.value)
    assert "t0ps3cret" not in repr(client)


async def test_get_is_retried_on_502_503_504_then_succeeds(fake, client):
    path = "/service/scale/api/v6/version/"
    fake.on("GET", path, httpx.Response(503), httpx.Response(504), httpx.Response(200, json={}))
    assert await client.get_version() == {}
    assert len(fake.requests) == 3


async def test_get_gives_up_after_max_tries(fake, client):
    fake.on("GET", "/service/scale/api/v6/version/", httpx.Response(502))
    with pytest.raises(ServerError):
        await client.get_version()
    assert len(fake.requests) == 3


async def test_500_is_not_retried(fake, client):
    fake.on("GET", "/service/scale/api/v6/version/", httpx.Response(500))
    with pytest.raises(ServerError):
        await client.get_version()
    assert len(fake.requests) == 1


async def test_post_is_never_retried(fake, client):
    fake.on("POST", "/service/scale/api/v6/jobs/cancel/", httpx.Response(503))
    with pytest.raises(ServerError):
        await client.cancel_jobs(JobFilter(job_id=[1]))
    assert len(fake.requests) == 1


async def test_connection_errors_retry_gets_and_carry_the_url(fake):
    fake.fault = refused
    calls = fake.requests
    async with ScaleClient("http://down.test:8000", transport=fake, backoff=0) as scale:
        with pytest.raises(ScaleConnectionError) as caught:
            await scale.list_jobs()
        assert len(calls) == 3
        assert not isinstance(caught.value, ScaleAPIError)
        assert caught.value.url.startswith("http://down.test:8000/v6/jobs/")
        assert str(caught.value) == (
            "Cannot reach http://down.test:8000 (GET /v6/jobs/): connection refused"
        )
        calls.clear()
        with pytest.raises(ScaleConnectionError):
            await scale.requeue_jobs(JobFilter(job_id=[1]))
        assert len(calls) == 1


async def test_read_timeout_is_a_scale_timeout_and_not_retried(fake):
    fake.fault = timed_out
    calls = fake.requests
    async with ScaleClient("http://slow.test", transport=fake, backoff=0) as scale:
        with pytest.raises(ScaleTimeout, match=r"^Timed out waiting for http://slow.test "):
            await scale.get_job(5)
    assert len(calls) == 1


async def test_retries_are_configurable(fake):
    fake.on("GET", "/v6/version/", httpx.Response(503))
    async with ScaleClient("http://s.test", transport=fake, max_tries=1) as scale:
        with pytest.raises(ServerError):
            await scale.get_version()
    assert len(fake.requests) == 1


async def test_redirect_is_reported_not_followed_for_post(fake, client):
    moved = httpx.Response(301, headers={"location": "https://scale.test/v6/jobs/cancel/"})
    fake.on("POST", "/service/scale/api/v6/jobs/cancel/", moved)
    with pytest.raises(Redirected, match=r"moved to https://scale.test/v6/jobs/cancel/"):
        await client.cancel_jobs(JobFilter(job_id=[1]))
    assert [r.method for r in fake.requests] == ["POST"]


async def test_login_page_with_200_is_an_unexpected_response(fake, client):
    page = httpx.Response(200, text="<html><title>Sign in</title></html>",
                          headers={"content-type": "text/html"})  # fmt: skip
    fake.on("GET", "/service/scale/api/v6/jobs/", page)
    with pytest.raises(UnexpectedResponse, match=r"expected JSON; got text/html: Sign in"):
        await client.list_jobs()


async def test_wrong_json_shape_is_an_unexpected_response(fake, client):
    fake.on("GET", "/service/scale/api/v6/jobs/", httpx.Response(200, json={"results": [{}]}))
    with pytest.raises(UnexpectedResponse, match=r"results\.0\.id"):
        await client.list_jobs()


async def test_backoff_doubles_with_jitter_between_get_tries(fake, monkeypatch):
    delays: list[float] = []

    async def record(delay: float) -> None:
        delays.append(delay)

    monkeypatch.setattr("scale_tui.api.http.asyncio.sleep", record)
    fake.on("GET", "/v6/version/", httpx.Response(503))
    async with ScaleClient("http://s.test", transport=fake, backoff=0.2) as scale:
        with pytest.raises(ServerError):
            await scale.get_version()
    assert len(delays) == 2  # three tries, two waits, none after the last
    assert 0.16 <= delays[0] <= 0.24
    assert 0.32 <= delays[1] <= 0.48


async def test_retries_are_logged_without_the_token(fake, client, caplog):
    fake.on(
        "GET", "/service/scale/api/v6/version/", httpx.Response(503), httpx.Response(200, json={})
    )
    with caplog.at_level("DEBUG", logger="scale_tui.api"):
        await client.get_version()
    assert "answered 503; try 2 of 3" in caplog.text
    assert "t0ps3cret" not in caplog.text
