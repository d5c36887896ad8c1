"""`ScaleClient.list_job_briefs`: a jobs page with only what triage reads, parsed off the
caller's loop, under the same rules as every page (count, results, each job's id); cut into
jobs and validated one job at a time (only one job's models alive at once), and validated whole
whenever the cut is not certain."""

from __future__ import annotations

import asyncio
import json

import pytest

from scale_tui.api import UnexpectedResponse
from scale_tui.api.client import _job_pieces
from tests.fakes import FakeScale, raw


def job(job_id: int, **extra) -> dict:
    return {"id": job_id, "status": "FAILED", "job_type": {"id": 3, "name": "sam",
            "version": "1.0", "title": "S"}, "node": {"id": 1, "hostname": "n1"},
            "error": {"id": 9, "name": "timeout", "title": "Timeout", "category": "ALGORITHM",
                      "description": "x"},
            "is_superseded": False, "ended": "2026-01-01T01:00:00Z",
            "last_modified": "2026-01-01T01:00:01Z", "input_files": {"a": ["b"]}, **extra}


def briefs(body: bytes | str, keep=None) -> list:
    content = body.encode() if isinstance(body, str) else body

    fake = FakeScale().on("GET", "/v6/jobs/", raw(content))

    async def read():
        async with fake.client() as client:
            return await client.list_job_briefs(keep=keep)

    return asyncio.run(read())


def page(jobs: list[dict], **changes) -> dict:
    return {"count": len(jobs), "next": None, "previous": None, "results": jobs, **changes}


def test_a_page_keeps_only_what_triage_reads():
    body = json.dumps(page([job(1), job(2, title='{"id": 5}'), job(3)]), indent=2)
    result = briefs(body)
    assert result.count == 3 and [j.id for j in result.results] == [1, 2, 3]
    first = result.results[0]
    assert (first.error.title, first.job_type.label, first.node.hostname) == (
        "Timeout", "sam 1.0", "n1")
    assert not hasattr(first, "input_files") and not first.model_extra
    assert not first.error.model_extra  # the description is dropped too


def test_an_empty_page_and_a_broken_one():
    assert briefs(json.dumps(page([]))).results == []
    with pytest.raises(UnexpectedResponse):
        briefs('{"count": 2, "next": null, "previous": null, "results": [{"id": 1}, {"id": ')
    with pytest.raises(UnexpectedResponse):
        briefs(json.dumps(page([{"status": "FAILED"}])))  # a job without its id


@pytest.mark.parametrize("indent", [None, 2])
def test_a_page_is_cut_into_its_jobs(indent):
    body = json.dumps(page([job(1), job(2, title='{"id": 5}'), job(3)]), indent=indent)
    envelope, jobs = _job_pieces(body.encode())
    assert json.loads(envelope)["results"] == [] and len(jobs) == 3
    assert [json.loads(j)["id"] for j in jobs] == [1, 2, 3]


def test_what_cannot_be_cut_safely_is_parsed_whole():
    trap = job(1, tags=[{"id": 7, "name": "x"}, {"id": 8}])  # "id"-first objects in a list
    body = json.dumps(page([trap, job(2)]))
    pieces = _job_pieces(body.encode())
    assert pieces is not None and len(pieces[1]) == 4  # a wrong cut: its pieces are not JSON
    assert [j.id for j in briefs(body).results] == [1, 2]
    results_first = {"results": [job(4)], "count": 1, "next": None, "previous": None}
    assert _job_pieces(json.dumps(results_first).encode()) is None
    assert [j.id for j in briefs(json.dumps(results_first)).results] == [4]
    id_not_first = [{"status": "FAILED", "id": 5}]
    assert [j.id for j in briefs(json.dumps(page(id_not_first))).results] == [5]


@pytest.mark.parametrize("trap", [False, True])
def test_keep_turns_each_job_into_what_the_caller_keeps(trap):
    jobs = [job(1), job(2, node=None)]
    if trap:  # the same through the whole-page path
        jobs[0]["tags"] = [{"id": 7}, {"id": 8}]
    kept = []

    def keep(brief):
        kept.append(type(brief).__name__)
        return (brief.id, brief.node.hostname if brief.node else None)

    result = briefs(json.dumps(page(jobs)), keep=keep)
    assert result.results == [(1, "n1"), (2, None)] and kept == ["JobBrief", "JobBrief"]
