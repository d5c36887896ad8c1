"""Every ScaleClient method against the real stub server on loopback (server_stub)."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest

from scale_tui.api import (
    JOB_STATUSES,
    JobFilter,
    LogFollower,
    NotFound,
    ScaleClient,
)


@pytest.fixture
async def scale(stub_url):
    async with ScaleClient(stub_url, backoff=0) as client:
        yield client


async def first_job(scale: ScaleClient, **filters):
    page = await scale.list_jobs(JobFilter(**filters), page_size=1)
    assert page.results, f"the seeded stub has a job matching {filters}"
    return page.results[0]


async def test_version_answers(scale):
    assert "version" in await scale.get_version()


async def test_pages_cover_every_job_once(scale):
    first = await scale.list_jobs(page_size=100)
    assert first.count == 300 and len(first.results) == 100 and first.next
    ids = [job.id async for job in scale.iter_jobs(page_size=70)]
    assert len(ids) == len(set(ids)) == 300
    second = await scale.list_jobs(page=2, page_size=100)
    assert not {j.id for j in first.results} & {j.id for j in second.results}


async def test_status_counts_add_up_to_the_total(scale):
    counts = {
        s: (await scale.list_jobs(JobFilter(status=s), page_size=1)).count for s in JOB_STATUSES
    }
    assert sum(counts.values()) == 300
    both = await scale.list_jobs(JobFilter(status=["FAILED", "RUNNING"]), page_size=1000)
    assert both.count == counts["FAILED"] + counts["RUNNING"]
    assert {j.status for j in both.results} <= {"FAILED", "RUNNING"}


async def test_filters_by_job_type_and_time_window(scale):
    job = await first_job(scale)
    name = job.job_type.name
    of_type = await scale.list_jobs(JobFilter(job_type_name=name), page_size=1000)
    assert of_type.count >= 1 and all(j.job_type.name == name for j in of_type.results)
    since = job.last_modified
    window = await scale.list_jobs(JobFilter(started=since), page_size=1000)
    assert all(j.last_modified >= since for j in window.results)
    assert job.id in {j.id for j in window.results}  # inclusive, and "Z" survived the trip


async def test_failed_job_details_and_executions(scale):
    job = await first_job(scale, status="FAILED")
    details = await scale.get_job(job.id)
    assert details.status == "FAILED" and details.error_text
    assert details.execution.exe_num == details.num_exes
    executions = await scale.list_job_executions(job.id)
    assert [e.exe_num for e in executions.results] == sorted(
        (e.exe_num for e in executions.results), reverse=True
    )
    failed_only = await scale.list_job_executions(job.id, status="FAILED")
    assert all(e.status == "FAILED" for e in failed_only.results)
    newest = await scale.get_job_execution(job.id, executions.results[0].exe_num)
    assert newest.id == details.execution.id
    files = await scale.list_job_input_files(job.id)
    assert files.count == sum(len(ids) for ids in details.input.files.values())


async def test_task_results_arrive_in_scales_shape_with_its_status_words(scale):
    # job/execution/tasks/json/results/task_results.py TaskResults.add_task_results
    job = await first_job(scale, status="FAILED")
    exe = await scale.get_job_execution(job.id, job.num_exes)
    tasks = exe.task_results["tasks"]
    assert exe.task_results["version"] == "1.0" and tasks
    started = [t for t in tasks if t.get("was_started")]
    assert started and all(t["status"] in ("FINISHED", "FAILED", "KILLED") for t in started)
    assert all(isinstance(t["was_timed_out"], bool) for t in started)
    assert all(t.get("exit_code", 0) is not None for t in tasks)  # omitted, never null
    assert started[-1]["status"] in ("FAILED", "KILLED")
    assert all(set(t) == {"task_id", "type", "was_launched"} for t in tasks
               if not t["was_launched"])


async def test_log_lines_and_following_from_the_last_timestamp(scale):
    job = await first_job(scale, status="COMPLETED")
    execution = (await scale.get_job(job.id)).execution
    lines = await scale.get_execution_log(execution.id)
    assert lines and lines == sorted(lines, key=lambda ln: (ln.timestamp, ln.order))
    middle = lines[len(lines) // 2].timestamp
    later = await scale.get_execution_log(execution.id, started=middle)
    assert later and all(ln.timestamp >= middle for ln in later)
    stderr = await scale.get_execution_log(execution.id, "stderr")
    assert all(ln.stream == "stderr" for ln in stderr)
    follower = LogFollower(scale, execution.id)
    assert await follower.poll() == lines
    assert await follower.poll() == []
    assert follower.total == len(lines)


async def test_unknown_things_are_not_found(scale):
    with pytest.raises(NotFound):
        await scale.get_job(10_000_000)
    with pytest.raises(NotFound):
        await scale.get_job_execution(10_000_000, 1)
    with pytest.raises(NotFound):
        await scale.get_job_type("no-such-type", "1.0")


async def test_job_types_names_and_manifest_inputs(scale):
    names = await scale.list_job_type_names()
    assert names == sorted(names) and len(names) >= 5
    types = await scale.list_job_types(is_active=True, page_size=1000)
    assert {t.name for t in types.results} <= set(names)
    some = types.results[0]
    details = await scale.get_job_type(some.name, some.version)
    assert details.label == some.label and details.manifest["job"]["name"] == some.name


async def stub_requests(url: str) -> list[dict]:
    async with httpx.AsyncClient() as http:
        return (await http.get(f"{url}/_stub/requests")).json()


async def test_cancel_and_requeue_reach_the_stub_with_plural_fields(fresh_stub):
    async with ScaleClient(fresh_stub.url, backoff=0) as scale:
        running = await first_job(scale, status="RUNNING")
        await scale.cancel_jobs(JobFilter(job_id=[running.id]))
        failed = await first_job(scale, status="FAILED")
        await scale.requeue_jobs(JobFilter(job_id=[failed.id], status="FAILED"), priority=5)
        sent = [r for r in await stub_requests(fresh_stub.url) if r["method"] == "POST"]
        assert [r["path"] for r in sent] == ["/v6/jobs/cancel/", "/v6/jobs/requeue/"]
        assert sent[0]["body"] == {"job_ids": [running.id]}
        assert sent[1]["body"] == {"job_ids": [failed.id], "status": "FAILED", "priority": 5}
        async with httpx.AsyncClient() as http:
            await http.post(f"{fresh_stub.url}/_stub/drain")
        assert (await scale.get_job(running.id)).status == "CANCELED"
        requeued = await scale.get_job(failed.id)
        assert (requeued.status, requeued.num_exes) == ("QUEUED", failed.num_exes + 1)


async def test_queue_a_new_job_from_its_manifest(fresh_stub):
    async with ScaleClient(fresh_stub.url, backoff=0) as scale:
        types = await scale.list_job_types(is_active=True, page_size=1000)
        details = [await scale.get_job_type(t.name, t.version) for t in types.results]
        target = next(d for d in details if d.inputs and all(i.kind == "file" for i in d.inputs))
        file_id = None
        async for job in scale.iter_jobs():
            files = await scale.list_job_input_files(job.id, page_size=1)
            if files.results:
                file_id = files.results[0].id
                break
        data = {"files": {i.name: [file_id] for i in target.inputs}, "json": {}}
        created = await scale.queue_job(target.id, data, {"priority": 7})
        assert created.status == "QUEUED" and created.num_exes == 1
        again = await scale.get_job(created.id)
        assert again.job_type.name == target.name
        assert again.created is not None and again.created.utcoffset() == timedelta(0)
