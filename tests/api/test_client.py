"""Each ScaleClient method sends what real Scale expects and returns models."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from scale_tui import __version__
from scale_tui.api import InvalidFilter, JobFilter, NotFound, ScaleClient, ScaleError

FIXTURES = Path(__file__).parents[1] / "fixtures" / "scale-ui"
API = "/service/scale/api/v6"


def fixture(name: str):
    return json.loads((FIXTURES / name).read_text())


def job(job_id: int, status: str = "RUNNING") -> dict:
    return {"id": job_id, "status": status, "job_type": {"name": "sam", "version": "1.0"}}


def page(results, *, count=None, next_url=None) -> httpx.Response:
    body = {"count": len(results) if count is None else count, "next": next_url,
            "previous": None, "results": results}  # fmt: skip
    return httpx.Response(200, json=body)


def params(request: httpx.Request) -> list[tuple[str, str]]:
    return list(request.url.params.multi_items())


async def test_requests_carry_user_agent_accept_token_and_trailing_slash(fake, client):
    fake.on("GET", f"{API}/jobs/7/", httpx.Response(200, json=job(7)))
    await client.get_job(7)
    request = fake.last
    assert request.headers["user-agent"] == f"scale-tui/{__version__}"
    assert request.headers["accept"] == "application/json"
    assert request.headers["authorization"] == "Token t0ps3cret"
    assert str(request.url) == "http://scale.test/service/scale/api/v6/jobs/7/"


async def test_no_token_sends_no_authorization(fake):
    fake.on("GET", "/v6/version/", httpx.Response(200, json={"version": "7.0.0"}))
    async with ScaleClient("http://s.test/", transport=fake) as scale:
        assert await scale.get_version() == {"version": "7.0.0"}
    assert "authorization" not in fake.last.headers
    assert str(fake.last.url) == "http://s.test/v6/version/"


async def test_list_jobs_sends_filter_and_paging_and_parses_a_page(fake, client):
    fake.on("GET", f"{API}/jobs/", httpx.Response(200, json=fixture("jobs.json")))
    jf = JobFilter(status=["FAILED", "QUEUED"], started="2026-01-01T00:00:00+01:00")
    result = await client.list_jobs(jf, page=2, page_size=50)
    assert params(fake.last) == [
        ("status", "FAILED"), ("status", "QUEUED"), ("started", "2025-12-31T23:00:00Z"),
        ("page", "2"), ("page_size", "50"),
    ]  # fmt: skip
    # On the wire the timestamp has no raw "+" (it would decode to a space in Scale).
    assert "+" not in str(fake.last.url)
    assert result.count == 12 and result.results[1].status == "QUEUED"


@pytest.mark.parametrize(("kwargs", "field"), [
    ({"page": 0}, "page"), ({"page_size": 0}, "page_size"), ({"page_size": 1001}, "page_size"),
])  # fmt: skip
async def test_paging_out_of_range_is_refused_before_any_request(fake, client, kwargs, field):
    with pytest.raises(InvalidFilter, match=f"^{field}: "):
        await client.list_jobs(**kwargs)
    assert fake.requests == []


async def test_iter_jobs_follows_pages_and_skips_jobs_that_moved(fake, client):
    fake.on(
        "GET", f"{API}/jobs/",
        page([job(1), job(2)], count=5, next_url="http://x/?page=2"),
        # job 2 was modified meanwhile and moved onto page 2
        page([job(2), job(3)], count=5, next_url="http://x/?page=3"),
        page([job(4)], count=5),
    )  # fmt: skip
    ids = [j.id async for j in client.iter_jobs(JobFilter(status="RUNNING"), page_size=2)]
    assert ids == [1, 2, 3, 4]
    assert [dict(params(r))["page"] for r in fake.requests] == ["1", "2", "3"]
    assert all(("status", "RUNNING") in params(r) for r in fake.requests)


async def test_iter_jobs_ends_cleanly_when_the_list_shrinks(fake, client):
    fake.on(
        "GET", f"{API}/jobs/",
        page([job(1)], count=2, next_url="http://x/?page=2"),
        httpx.Response(404, json={"detail": "Invalid page."}),
    )  # fmt: skip
    assert [j.id async for j in client.iter_jobs()] == [1]


async def test_get_job_returns_details(fake, client):
    body = fixture("job-details/job-details1.json")
    fake.on("GET", f"{API}/jobs/1/", httpx.Response(200, json=body))
    details = await client.get_job(1)
    assert details.execution.exe_num == 1
    assert details.job_type_rev.inputs[0].name == "infile"


async def test_queue_job_posts_type_input_and_configuration(fake, client):
    created = fixture("job-details/job-details1.json") | {"id": 77, "status": "QUEUED"}
    fake.on("POST", f"{API}/jobs/", httpx.Response(201, json=created))
    details = await client.queue_job(5, {"files": {"infile": [3]}, "json": {}}, {"priority": 10})
    assert (details.id, details.status) == (77, "QUEUED")
    assert fake.last.headers["content-type"] == "application/json"
    assert fake.body() == {
        "job_type_id": 5,
        "input": {"files": {"infile": [3]}, "json": {}},
        "configuration": {"priority": 10},
    }
    await client.queue_job(6)
    assert fake.body() == {"job_type_id": 6, "input": {}}


async def test_list_job_input_files(fake, client):
    scale_file = {"id": 3, "file_name": "in.tif", "workspace": {"id": 1, "name": "raw"},
                  "file_size": 1024, "last_modified": "2026-01-01T00:00:00Z"}  # fmt: skip
    fake.on("GET", f"{API}/jobs/9/input_files/", page([scale_file]))
    files = await client.list_job_input_files(9, page_size=10)
    assert params(fake.last) == [("page", "1"), ("page_size", "10")]
    assert files.results[0].workspace.name == "raw"
    assert files.results[0].last_modified == datetime(2026, 1, 1, tzinfo=UTC)


async def test_list_job_executions_filters_by_status(fake, client):
    exe = {"id": 31, "status": "FAILED", "exe_num": 2, "job": {"id": 9},
           "error": {"category": "ALGORITHM", "title": "Timeout"}}  # fmt: skip
    fake.on("GET", f"{API}/jobs/9/executions/", page([exe]))
    result = await client.list_job_executions(9, status=["FAILED", "CANCELED"])
    assert params(fake.last)[:2] == [("status", "FAILED"), ("status", "CANCELED")]
    assert result.results[0].error_text == "ALGORITHM: Timeout"
    with pytest.raises(InvalidFilter, match=r"^status: 'QUEUED' is not an execution status"):
        await client.list_job_executions(9, status="QUEUED")


async def test_get_job_execution(fake, client):
    body = fixture("job-details/job-details1.json")["execution"]
    fake.on("GET", f"{API}/jobs/1/executions/1/", httpx.Response(200, json=body))
    exe = await client.get_job_execution(1, 1)
    assert (exe.id, exe.exe_num, exe.status) == (3, 1, "COMPLETED")
    assert exe.configuration == {"tasks": []}


async def test_cancel_posts_the_plural_body_and_accepts_202(fake, client):
    fake.on("POST", f"{API}/jobs/cancel/", httpx.Response(202))
    jf = JobFilter(status="FAILED", job_type_name=["sam"], started="PT6H")
    assert await client.cancel_jobs(jf) is None
    assert fake.body() == {"status": "FAILED", "job_type_names": ["sam"], "started": "PT6H"}


async def test_cancel_refuses_an_inexpressible_filter_without_sending(fake, client):
    with pytest.raises(InvalidFilter, match=r"^status: "):
        await client.cancel_jobs(JobFilter(status=["FAILED", "RUNNING"]))
    assert fake.requests == []


async def test_requeue_sends_priority_only_when_given(fake, client):
    fake.on("POST", f"{API}/jobs/requeue/", httpx.Response(202))
    await client.requeue_jobs(JobFilter(job_id=[4, 5]), priority=1)
    assert fake.body() == {"job_ids": [4, 5], "priority": 1}
    await client.requeue_jobs(JobFilter(job_id=[4]))
    assert fake.body() == {"job_ids": [4]}
    for bad in (0, -3, True, 2.5):
        with pytest.raises(InvalidFilter, match=r"^priority: "):
            await client.requeue_jobs(JobFilter(job_id=[4]), priority=bad)
    assert len(fake.requests) == 2


async def test_execution_log_204_is_no_lines(fake, client):
    fake.on("GET", f"{API}/job-executions/31/logs/combined/", httpx.Response(204))
    assert await client.get_execution_log(31) == []
    assert params(fake.last) == []


async def test_execution_log_sends_started_in_utc_and_parses_hits(fake, client):
    es = {"took": 1, "hits": {"total": 1, "hits": [{"_source": {
        "@timestamp": "2026-01-01T00:00:01.5Z", "scale_order_num": 7,
        "message": "hello", "stream": "stderr", "scale_job_exe": "scale_1"}}]}}  # fmt: skip
    fake.on("GET", f"{API}/job-executions/31/logs/stderr/", httpx.Response(200, json=es))
    started = datetime(2026, 1, 1, 1, 0, tzinfo=UTC) + timedelta(microseconds=5)
    lines = await client.get_execution_log(31, "stderr", started=started)
    assert params(fake.last) == [("started", "2026-01-01T01:00:00.000005Z")]
    assert [(ln.stream, ln.order, ln.message) for ln in lines] == [("stderr", 7, "hello")]
    await client.get_execution_log(31, "stderr", started="PT5M")
    assert params(fake.last) == [("started", "PT5M")]


async def test_execution_log_refuses_unknown_streams(fake, client):
    with pytest.raises(InvalidFilter, match=r"^stream: 'stdlog'"):
        await client.get_execution_log(31, "stdlog")
    assert fake.requests == []


async def test_list_job_types_with_is_active(fake, client):
    fake.on("GET", f"{API}/job-types/", httpx.Response(200, json=fixture("job-types.json")))
    types = await client.list_job_types(is_active=True, page_size=1000)
    assert ("is_active", "true") in params(fake.last)
    assert types.results[1].label == "sam 1.0"


async def test_job_type_names_from_names_endpoint(fake, client):
    names = fixture("job-type-names.json")
    fake.on("GET", f"{API}/job-type-names/", httpx.Response(200, json=names))
    result = await client.list_job_type_names()
    assert result == sorted({n["name"] for n in names["results"]})
    assert "sam" in result and "landsat8-parse" in result


async def test_job_type_names_fall_back_to_job_types_on_older_servers(fake, client):
    fake.on(
        "GET", f"{API}/job-types/",
        page([{"name": "b", "version": "1"}, {"name": "a", "version": "1"}],
             next_url="http://x/?page=2"),
        page([{"name": "b", "version": "2"}]),
    )  # fmt: skip
    assert await client.list_job_type_names() == ["a", "b"]
    assert [r.url.path for r in fake.requests] == [
        f"{API}/job-type-names/", f"{API}/job-types/", f"{API}/job-types/",
    ]  # fmt: skip


async def test_get_job_type_quotes_name_and_version(fake, client):
    body = fixture("job-type-details/sam1.0.json")
    fake.on("GET", f"{API}/job-types/sam/1.0/", httpx.Response(200, json=body))
    sam = await client.get_job_type("sam", "1.0")
    assert [i.name for i in sam.inputs] == ["image", "signature"]
    with pytest.raises(NotFound):
        await client.get_job_type("a/b", "1 0")
    assert fake.last.url.raw_path == b"/service/scale/api/v6/job-types/a%2Fb/1%200/"


def test_ca_bundle_path_is_trusted(tmp_path):
    import certifi

    ScaleClient("https://s.test", verify=certifi.where())
    ScaleClient("https://s.test", verify=False)


def test_ca_bundle_path_must_exist(tmp_path):
    with pytest.raises(ScaleError, match="CA bundle not found"):
        ScaleClient("https://s.test", verify=tmp_path / "missing.pem")
    garbage = tmp_path / "bad.pem"
    garbage.write_text("not a certificate")
    with pytest.raises(ScaleError, match="cannot be read"):
        ScaleClient("https://s.test", verify=str(garbage))


def test_a_ready_ssl_context_is_accepted():
    import ssl

    context = ssl.create_default_context()
    ScaleClient("https://s.test", verify=context)


async def test_a_plus_in_a_filter_value_is_percent_encoded(fake, client):
    fake.on("GET", f"{API}/jobs/", page([]))
    await client.list_jobs(JobFilter(source_task=["a+b c"]))
    assert b"source_task=a%2Bb+c" in fake.last.url.raw_path
    assert ("source_task", "a+b c") in params(fake.last)


def test_only_a_tls_server_gets_a_certificate_store(monkeypatch, tmp_path):
    """Loading certifi's bundle costs ~30 ms of CPU per start (issue 15): a plain-http server,
    which is never spoken TLS to, does not pay it; an https one still verifies as configured,
    and a missing CA bundle is an error for either."""
    import ssl

    loaded = []
    real = ssl.SSLContext.load_verify_locations

    def spy(self, *args, **kwargs):
        loaded.append(args or kwargs)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(ssl.SSLContext, "load_verify_locations", spy)
    ScaleClient("http://s.test")
    assert loaded == []
    ScaleClient("https://s.test")
    assert len(loaded) == 1
    with pytest.raises(ScaleError, match="CA bundle not found"):
        ScaleClient("http://s.test", verify=tmp_path / "missing.pem")
