"""A response is valid or it is an error (issue 11): wrong shapes, non-JSON, deep nesting and
oversized bodies become a typed UnexpectedResponse naming the request, never data."""

from __future__ import annotations

import gzip
import json

import httpx
import pytest

from scale_tui.api import BadRequest, ScaleClient, UnexpectedResponse
from scale_tui.api.body import LOG_BODY_CAP, MAX_DEPTH, RESPONSE_BODY_CAP, BodyError, parse_json

JOBS = "/v6/jobs/"
DEEP = "[" * 40_000  # 40 KB of "[": a RecursionError anywhere would end the console


def answer(fake, path, *args, **kwargs):
    fake.on("GET", "/service/scale/api" + path, httpx.Response(*args, **kwargs))


@pytest.mark.parametrize("body", [
    {"results": []},  # no count
    {"count": 3},  # no results: must not read as "no jobs"
    {"count": 1, "results": {"id": 1}},
    {"count": "many", "results": []},
    {"count": 1, "results": [{"id": 1}]},  # a job without status
    {"count": 1, "results": [{"id": "one", "status": "RUNNING"}]},
    {"count": 1, "results": [{"id": 1, "status": 7}]},
    [], "jobs", None,
])  # fmt: skip
async def test_a_jobs_page_of_the_wrong_shape_is_an_error(fake, client, body):
    answer(fake, JOBS, 200, json=body)
    with pytest.raises(UnexpectedResponse, match=r"^Unexpected response \(200\) from GET "
                                                 r"/service/scale/api/v6/jobs/: "):
        await client.list_jobs()


@pytest.mark.parametrize("body", [
    {"status": "RUNNING", "exe_num": 1},  # no id
    {"id": 4, "exe_num": 1},  # no status
    {"id": None, "status": "RUNNING"},
    {"id": "x", "status": "RUNNING"},
    {"id": 4, "status": ["RUNNING"]},
])  # fmt: skip
async def test_an_execution_without_id_or_status_is_an_error(fake, client, body):
    answer(fake, "/v6/jobs/1/executions/1/", 200, json=body)
    with pytest.raises(UnexpectedResponse, match=r"from GET .*/v6/jobs/1/executions/1/: "
                                                 r"(id|status)"):
        await client.get_job_execution(1, 1)
    answer(fake, "/v6/jobs/1/executions/", 200, json={"count": 1, "results": [body]})
    with pytest.raises(UnexpectedResponse, match=r"results\.0\.(id|status)"):
        await client.list_job_executions(1)


async def test_numbers_in_time_fields_are_not_1970(fake, client):
    answer(fake, "/v6/jobs/1/executions/1/", 200, json={
        "id": 4, "status": "COMPLETED", "started": 0, "ended": "1234567890",
        "created": "2026-01-01T00:00:00Z"})  # fmt: skip
    exe = await client.get_job_execution(1, 1)
    assert (exe.started, exe.ended, exe.duration) == (None, None, None)
    assert exe.created.year == 2026


@pytest.mark.parametrize("content", [b"{", b"<html>oops</html>", b"\x00\xff", b"[1,]"])
async def test_a_body_that_is_not_json_is_an_error(fake, client, content):
    answer(fake, JOBS, 200, content=content, headers={"content-type": "application/json"})
    with pytest.raises(UnexpectedResponse, match="expected JSON"):
        await client.list_jobs()


@pytest.mark.parametrize("call", ["list_jobs", "get_job", "get_version", "log"])
async def test_deep_nesting_is_an_error_never_a_recursion_error(fake, client, call):
    for path in (JOBS, "/v6/jobs/1/", "/v6/version/", "/v6/job-executions/1/logs/combined/"):
        answer(fake, path, 200, content=DEEP.encode(), headers={"content-type": "application/json"})
    run = {"list_jobs": client.list_jobs, "get_job": lambda: client.get_job(1),
           "get_version": client.get_version,
           "log": lambda: client.get_execution_log(1)}[call]  # fmt: skip
    with pytest.raises(UnexpectedResponse, match="nested"):
        await run()


async def test_deep_nesting_inside_a_valid_job_is_an_error(fake, client):
    inner = "[" * (MAX_DEPTH + 5) + "]" * (MAX_DEPTH + 5)
    body = '{"id": 1, "status": "RUNNING", "configuration": {"x": ' + inner + "}}"
    answer(fake, "/v6/jobs/1/", 200, content=body.encode(),
           headers={"content-type": "application/json"})
    with pytest.raises(UnexpectedResponse, match=f"nested deeper than {MAX_DEPTH} levels"):
        await client.get_job(1)


async def test_an_error_body_nested_deep_still_names_the_error(fake, client):
    answer(fake, JOBS, 400, content=('{"detail": ' + DEEP).encode(),
           headers={"content-type": "application/json"})
    with pytest.raises(BadRequest):
        await client.list_jobs()


def test_parse_json_reads_what_python_reads_but_never_too_deep():
    assert parse_json(b'["\\udc80", "t\xffsk", "\\ud83d\\ude00"]') == ["\ufffd", "t\ufffdsk", "😀"]
    ok = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    assert parse_json(ok) is not None
    for text in ('["\\udc80", ' + "[" * 500 + "]" * 500 + "]", DEEP, "[" * 2000 + "]" * 2000):
        with pytest.raises(BodyError, match="nested deeper"):
            parse_json(text)


async def test_a_declared_body_over_the_cap_is_refused_unread(fake, client):
    big = httpx.Response(200, headers={"content-length": str(RESPONSE_BODY_CAP + 1),
                                       "content-type": "application/json"}, content=b"{}")
    fake.on("GET", "/service/scale/api/v6/jobs/", lambda request: big)
    with pytest.raises(UnexpectedResponse, match=r"body over the 8 MiB cap \(Content-Length"):
        await client.list_jobs()


async def test_a_streamed_body_stops_being_read_at_the_cap(fake, client):
    chunks_read = []

    async def endless():
        for _ in range(10_000):  # 10 GB if nobody stopped reading
            chunks_read.append(1)
            yield b"x" * (1024 * 1024)

    fake.on("GET", "/service/scale/api/v6/jobs/",
            lambda request: httpx.Response(200, content=endless()))
    with pytest.raises(UnexpectedResponse, match=r"body over the 8 MiB cap"):
        await client.list_jobs()
    assert len(chunks_read) <= RESPONSE_BODY_CAP // (1024 * 1024) + 1


async def test_a_compressed_body_counts_at_its_real_size(fake, client):
    bomb = gzip.compress(b" " * (RESPONSE_BODY_CAP + 10))
    fake.on("GET", "/service/scale/api" + JOBS, lambda request: httpx.Response(
        200, content=bomb, headers={"content-encoding": "gzip",
                                    "content-type": "application/json"}))
    with pytest.raises(UnexpectedResponse, match="cap"):
        await client.list_jobs()


async def test_logs_have_their_own_larger_cap(fake, client):
    hit = {"_source": {"@timestamp": "2026-01-01T00:00:00Z", "scale_order_num": 0,
                       "stream": "stdout", "message": "x" * 1000}}
    body = json.dumps({"hits": {"hits": [hit] * 10_000}}).encode()
    assert RESPONSE_BODY_CAP < len(body) < LOG_BODY_CAP
    answer(fake, "/v6/job-executions/1/logs/combined/", 200, content=body)
    assert len(await client.get_execution_log(1)) == 10_000


async def test_an_error_page_is_cut_not_refused(fake, client):
    answer(fake, JOBS, 400, content=b'{"detail": "bad ' + b"x" * (1 << 21) + b'"}',
           headers={"content-type": "application/json"})
    with pytest.raises(BadRequest):
        await client.list_jobs()


async def test_a_good_page_still_reads(fake, client):
    answer(fake, JOBS, 200, json={"count": 1, "next": None, "previous": None,
                                  "results": [{"id": 1, "status": "RUNNING"}]})
    page = await client.list_jobs()
    assert [(j.id, j.status) for j in page.results] == [(1, "RUNNING")]


async def test_the_real_server_answers_through_the_streamed_read(stub_url):
    async with ScaleClient(stub_url) as scale:
        page = await scale.list_jobs(page_size=5)
        assert page.count == 300 and len(page.results) == 5
        job = await scale.get_job(page.results[0].id)
        assert job.id == page.results[0].id


@pytest.mark.parametrize("body", [{"name": "sam", "version": "1.0"},
                                  {"id": 3, "version": "1.0"}, {"id": 3, "name": "sam"},
                                  {"id": "x", "name": "sam", "version": "1.0"}])
async def test_a_job_type_to_queue_needs_id_name_and_version(fake, client, body):
    answer(fake, "/v6/job-types/sam/1.0/", 200, json=body)
    with pytest.raises(UnexpectedResponse, match=r"from GET .*/v6/job-types/sam/1.0/: "):
        await client.get_job_type("sam", "1.0")


async def test_a_content_length_of_odd_digits_is_not_a_crash(fake, client):
    odd = httpx.Response(200, headers=[(b"content-length", "²".encode()),
                                       (b"content-type", b"application/json")],
                         content=b'{"count": 0, "next": null, "previous": null, "results": []}')
    fake.on("GET", "/service/scale/api/v6/jobs/", lambda request: odd)
    page = await client.list_jobs()  # the header is not a size: the body is read to the cap
    assert page.count == 0
