"""`ScaleClient.list_job_briefs`: a jobs page with only what triage reads, parsed off the
caller's loop, under the same rules as every page (count, results, each job's id); briefs the
garbage collector never tracks, so a page of them alive gives it nothing to walk."""

from __future__ import annotations

import asyncio
import gc
import json

import pytest

from scale_tui.api import UnexpectedResponse
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
    assert not hasattr(first, "input_files") and "input_files" not in first.model_dump()
    assert "description" not in first.error.model_dump()  # dropped too


def test_an_empty_page_and_a_broken_one():
    assert briefs(json.dumps(page([]))).results == []
    with pytest.raises(UnexpectedResponse):
        briefs('{"count": 2, "next": null, "previous": null, "results": [{"id": 1}, {"id": ')
    with pytest.raises(UnexpectedResponse):
        briefs(json.dumps(page([{"status": "FAILED"}])))  # a job without its id


def test_briefs_are_never_tracked_by_the_garbage_collector():
    result = briefs(json.dumps(page([job(1), job(2)])))
    first = result.results[0]
    for brief in (first, first.job_type, first.node, first.error):
        assert not gc.is_tracked(brief)
    assert first.ended.tzinfo is not None and first.error.title == "Timeout"


def test_an_odd_job_costs_only_its_field():
    odd = job(2, node="n7", ended=1767225912, status=["FAILED"])
    result = briefs(json.dumps(page([job(1), odd, job(3)])))
    assert [j.id for j in result.results] == [1, 2, 3]
    second = result.results[1]
    assert (second.node, second.ended, second.status) == (None, None, None)
    assert second.error.title == "Timeout" and not gc.is_tracked(second)


@pytest.mark.parametrize("trap", [False, True])
def test_keep_turns_each_job_into_what_the_caller_keeps(trap):
    jobs = [job(1), job(2, node=None)]
    if trap:  # the same through the careful path (a misfit: the page is repaired)
        jobs[0]["is_superseded"] = "perhaps"
    kept = []

    def keep(brief):
        kept.append(type(brief).__name__)
        return (brief.id, brief.node.hostname if brief.node else None)

    result = briefs(json.dumps(page(jobs)), keep=keep)
    assert result.results == [(1, "n1"), (2, None)] and kept == ["JobBrief", "JobBrief"]
