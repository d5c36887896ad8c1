"""The simulator, driven one step at a time with POST /_stub/tick."""

from __future__ import annotations

from tests.stub.conftest import every_page


def statuses(client):
    return {j["id"]: j for j in every_page(client, "/v6/jobs/", {"page_size": 1000})}


def test_tick_starts_queued_jobs_with_an_execution_on_a_node(fresh):
    before = statuses(fresh)
    queued = [j for j in before.values() if j["status"] == "QUEUED"
              and not j["job_type"]["is_paused"]]
    assert queued
    changes = fresh.post("/_stub/tick").json()
    assert changes["started"] >= len(queued)
    for job in queued:
        after = fresh.get(f"/v6/jobs/{job['id']}/").json()
        assert after["status"] == "RUNNING" and after["node"] is not None
        exe = after["execution"]
        assert exe["exe_num"] == after["num_exes"] and exe["status"] == "RUNNING"


def test_paused_job_types_are_not_scheduled(fresh):
    fresh.post("/v6/jobs/", json={"job_type_id": 9, "input": {"files": {}}})
    paused = [j for j in statuses(fresh).values() if j["job_type"]["is_paused"]
              and j["status"] == "QUEUED"]
    assert paused
    fresh.post("/_stub/tick")
    for job in paused:
        assert fresh.get(f"/v6/jobs/{job['id']}/").json()["status"] == "QUEUED"


def test_running_executions_write_logs_then_finish(fresh):
    new = fresh.post("/v6/jobs/", json={"job_type_id": 13}).json()
    fresh.post("/_stub/tick")
    exe = fresh.get(f"/v6/jobs/{new['id']}/").json()["execution"]
    assert exe["status"] == "RUNNING"
    for _ in range(12):
        fresh.post("/_stub/tick")
    log = fresh.get(f"/v6/job-executions/{exe['id']}/logs/combined/")
    assert log.status_code == 200 and log.json()["hits"]["total"] > 0
    done = fresh.get(f"/v6/jobs/{new['id']}/").json()
    assert done["status"] in ("COMPLETED", "FAILED", "QUEUED", "RUNNING")
    assert done["num_exes"] >= 1
    first = fresh.get(f"/v6/jobs/{new['id']}/executions/1/").json()
    assert first["status"] in ("COMPLETED", "FAILED")
    assert first["ended"] is not None and first["task_results"]["tasks"]


def test_failures_retry_only_while_tries_remain(fresh):
    for _ in range(40):
        fresh.post("/_stub/tick")
    for job in statuses(fresh).values():
        if job["status"] == "FAILED":
            error = job["error"]
            assert not error["should_be_retried"] or job["num_exes"] >= job["max_tries"]
        assert job["num_exes"] <= job["max_tries"] or job["status"] != "QUEUED"


def test_a_running_stub_never_blocks_requests(fresh):
    for _ in range(5):
        fresh.post("/_stub/tick")
        assert fresh.get("/v6/jobs/", params={"page_size": 5}).status_code == 200
