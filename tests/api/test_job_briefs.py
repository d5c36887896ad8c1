"""`ScaleClient.list_job_briefs`: a jobs page cut into jobs and validated one job at a time
(triage reads 1000-job pages without holding the console's loop), and validated whole whenever
the cut is not certain."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest

from scale_tui.api import ScaleClient, UnexpectedResponse
from scale_tui.api.client import _job_pieces


def job(job_id: int, **extra) -> dict:
    return {"id": job_id, "status": "FAILED", "job_type": {"id": 3, "name": "sam",
            "version": "1.0", "title": "S"}, "node": {"id": 1, "hostname": "n1"},
            "error": {"id": 9, "name": "timeout", "title": "Timeout", "category": "ALGORITHM",
                      "description": "x"},
            "is_superseded": False, "ended": "2026-01-01T01:00:00Z",
            "last_modified": "2026-01-01T01:00:01Z", "input_files": {"a": ["b"]}, **extra}


def briefs(body: bytes | str) -> list:
    content = body.encode() if isinstance(body, str) else body

    def handle(request: httpx.Request) -> httpx.Response:
        return httpx.Response(200, content=content,
                              headers={"content-type": "application/json"})

    async def read():
        async with ScaleClient("http://scale.test", transport=httpx.MockTransport(handle),
                               max_tries=1) as client:
            return await client.list_job_briefs()

    return asyncio.run(read())


def page(jobs: list[dict], **changes) -> dict:
    return {"count": len(jobs), "next": None, "previous": None, "results": jobs, **changes}


@pytest.mark.parametrize("indent", [None, 2])
def test_a_page_is_cut_into_its_jobs(indent):
    body = json.dumps(page([job(1), job(2, title='{"id": 5}'), job(3)]), indent=indent)
    envelope, jobs = _job_pieces(body.encode())
    assert json.loads(envelope)["results"] == [] and len(jobs) == 3
    assert [json.loads(j)["id"] for j in jobs] == [1, 2, 3]
    result = briefs(body)
    assert result.count == 3 and [j.id for j in result.results] == [1, 2, 3]
    first = result.results[0]
    assert (first.error.title, first.job_type.label, first.node.hostname) == (
        "Timeout", "sam 1.0", "n1")
    assert not hasattr(first, "input_files") and first.model_extra in (None, {})


def test_what_cannot_be_cut_safely_is_parsed_whole():
    trap = job(1, tags=[{"id": 7, "name": "x"}, {"id": 8}])  # "id"-first objects in a list
    result = briefs(json.dumps(page([trap, job(2)])))
    assert [j.id for j in result.results] == [1, 2]
    results_first = {"results": [job(4)], "count": 1, "next": None, "previous": None}
    assert [j.id for j in briefs(json.dumps(results_first)).results] == [4]
    id_not_first = [{"status": "FAILED", "id": 5}]
    assert [j.id for j in briefs(json.dumps(page(id_not_first))).results] == [5]


def test_an_empty_page_and_a_broken_one():
    assert briefs(json.dumps(page([]))).results == []
    with pytest.raises(UnexpectedResponse):
        briefs('{"count": 2, "next": null, "previous": null, "results": [{"id": 1}, {"id": ')
    with pytest.raises(UnexpectedResponse):
        briefs(json.dumps(page([{"status": "FAILED"}])))  # a job without its id
