"""Job details, executions and input files: shapes, field order and Scale's rules."""

from __future__ import annotations

from itertools import pairwise

import pytest

LIST_FIELDS = [
    "id", "job_type", "status", "job_type_rev", "event", "ingest_event", "recipe", "batch",
    "is_superseded", "superseded_job", "node", "error", "max_tries", "num_exes",
    "input_file_size", "input_files", "created", "queued", "started", "ended",
    "last_status_change", "superseded", "last_modified", "source_started", "source_ended",
    "source_sensor_class", "source_sensor", "source_collection", "source_task"]
JOB_TYPE_BASE = ["id", "name", "version", "title", "description", "is_active", "is_system",
                 "is_paused", "is_published", "icon_code", "unmet_resources"]
EXECUTION_FIELDS = ["id", "status", "exe_num", "cluster_id", "created", "queued", "started",
                    "ended", "job", "node", "error", "job_type", "timeout", "input_file_size"]


def first(all_jobs, predicate):
    return next(j for j in all_jobs if predicate(j))


def test_list_fields_in_drfs_declared_order(all_jobs):
    for job in all_jobs[:20]:
        assert list(job) == LIST_FIELDS
        assert list(job["job_type"]) == JOB_TYPE_BASE
        assert list(job["job_type_rev"]) == ["id", "job_type", "revision_num"]


def test_details_add_the_detail_fields(http, all_jobs):
    job = first(all_jobs, lambda j: j["status"] == "COMPLETED"
                and j["job_type"]["name"] == "landsat8-parse")
    details = http.get(f"/v6/jobs/{job['id']}/").json()
    # job/serializers.py JobDetailsSerializerV6 under DRF 3.9's _get_declared_fields: the
    # redeclared job_type_rev and superseded_job keep their places, the new fields follow.
    expected = [*LIST_FIELDS, "superseded_by_job",
                "resources", "execution", "input", "output", "configuration"]
    assert list(details) == expected
    assert details["job_type_rev"]["manifest"]["seedVersion"]
    assert set(details["input"]) == {"files", "json"} and "version" not in details["input"]
    assert details["output"]["files"]
    assert set(details["resources"]["resources"]) >= {"cpus", "mem", "disk"}
    assert details["execution"]["exe_num"] == details["num_exes"]
    # landsat8-parse is a system job type: only its main task runs
    assert [t["type"] for t in details["execution"]["task_results"]["tasks"]] == ["main"]


def test_input_files_names_match_the_input_file_ids(http, all_jobs):
    job = first(all_jobs, lambda j: j["input_files"])
    details = http.get(f"/v6/jobs/{job['id']}/").json()
    files = http.get(f"/v6/jobs/{job['id']}/input_files/").json()["results"]
    assert sorted(f["id"] for f in files) == sorted(
        fid for ids in details["input"]["files"].values() for fid in ids)
    assert sorted(f["file_name"] for f in files) == sorted(
        name for names in job["input_files"].values() for name in names)


def test_input_files_filters(http, all_jobs):
    job = first(all_jobs, lambda j: len(j["input_files"]) == 2)
    name = sorted(job["input_files"])[0]
    got = http.get(f"/v6/jobs/{job['id']}/input_files/", params={"job_input": name}).json()
    assert [f["file_name"] for f in got["results"]] == job["input_files"][name]


def test_execution_is_null_for_canceled_pending_and_blocked_jobs(http, all_jobs):
    for status in ("CANCELED", "PENDING", "BLOCKED"):
        job = first(all_jobs, lambda j, s=status: j["status"] == s)
        assert http.get(f"/v6/jobs/{job['id']}/").json()["execution"] is None


def test_running_job_has_a_running_execution_without_end(http, all_jobs):
    job = first(all_jobs, lambda j: j["status"] == "RUNNING")
    exe = http.get(f"/v6/jobs/{job['id']}/").json()["execution"]
    assert exe["status"] == "RUNNING"
    assert exe["ended"] is None and exe["task_results"] is None and exe["output"] is None


def test_superseded_links_point_both_ways(http, all_jobs):
    old = first(all_jobs, lambda j: j["is_superseded"])
    details = http.get(f"/v6/jobs/{old['id']}/").json()
    newer = details["superseded_by_job"]
    assert set(newer) == {"id", "job_type", "status"}
    back = http.get(f"/v6/jobs/{newer['id']}/").json()
    assert back["superseded_job"]["id"] == old["id"]
    assert old["superseded"] is not None


def test_executions_newest_first_with_retries(http, all_jobs):
    job = first(all_jobs, lambda j: j["num_exes"] >= 3 and j["status"] in ("COMPLETED",
                                                                               "FAILED"))
    body = http.get(f"/v6/jobs/{job['id']}/executions/").json()
    assert [e["exe_num"] for e in body["results"]] == list(range(job["num_exes"], 0, -1))
    assert list(body["results"][0]) == EXECUTION_FIELDS
    earlier = body["results"][1:]
    assert all(e["status"] == "FAILED" and e["error"]["should_be_retried"] for e in earlier)


def test_execution_status_filter_semantics(http, all_jobs):
    job = first(all_jobs, lambda j: j["num_exes"] >= 2 and j["status"] == "COMPLETED")
    path = f"/v6/jobs/{job['id']}/executions/"
    failed = http.get(path, params={"status": "FAILED"}).json()["results"]
    assert failed and all(e["status"] == "FAILED" for e in failed)
    running_only = http.get(path, params={"status": "RUNNING"}).json()
    assert running_only["count"] == 0
    both = http.get(path, params=[("status", "RUNNING"), ("status", "COMPLETED")]).json()
    assert [e["status"] for e in both["results"]] == ["COMPLETED"]


def test_execution_details_by_job_and_exe_num(http, all_jobs):
    job = first(all_jobs, lambda j: j["status"] == "FAILED")
    exe = http.get(f"/v6/jobs/{job['id']}/executions/{job['num_exes']}/").json()
    assert exe["status"] == "FAILED" and exe["error"]["id"] == job["error"]["id"]
    assert {"task_results", "resources", "configuration", "output"} <= set(exe)


def test_job_executions_list_is_always_empty(http):
    assert http.get("/v6/job-executions/").json()["count"] == 0


def test_job_types_and_names(http):
    names = http.get("/v6/job-type-names/").json()["results"]
    parse = next(n for n in names if n["name"] == "landsat8-parse")
    # array_agg(version) has no order in get_job_type_names_v6; the stub's is the id order
    assert sorted(parse["versions"]) == ["0.9.0", "1.0.0"]
    assert parse["latest_version"] == "1.0.0" and "id" not in parse and "version" not in parse
    types = http.get("/v6/job-types/", params={"is_active": "false"}).json()["results"]
    assert {t["name"] for t in types} == {"caffe-aircraft-detection", "landsat8-parse"}
    paused = [t for t in http.get("/v6/job-types/").json()["results"] if t["is_paused"]]
    assert [t["name"] for t in paused] == ["wv2-ortho"]
    details = http.get("/v6/job-types/landsat8-parse/1.0.0/").json()
    assert details["manifest"]["job"]["name"] == "landsat8-parse"
    assert details["configuration"]["priority"] == 100
    assert http.get("/v6/job-types/landsat8-parse/9.9/").status_code == 404
    versions = http.get("/v6/job-types/landsat8-parse/").json()
    assert versions["count"] == 2


def test_job_type_status_counts(http, all_jobs):
    body = http.get("/v6/job-types/status/", params={"started": "2025-01-01T00:00:00Z"}).json()
    total = sum(c["count"] for r in body["results"] for c in r["job_counts"])
    assert total == len(all_jobs)
    failed = [c for r in body["results"] for c in r["job_counts"] if c["status"] == "FAILED"]
    assert all(c["category"] in ("SYSTEM", "ALGORITHM", "DATA") for c in failed)


def test_version(http):
    assert http.get("/v6/version/").json()["version"]


def exe_row(status: str, exit_code: int | None) -> dict:
    return {"status": status, "exit_code": exit_code, "started": 1_000_000_000,
            "ended": 1_100_000_000, "cluster_id": "scale_job_0001_1x1"}


# job/execution/tasks/json/results/task_results.py TaskResults.add_task_results over every task
# of the execution (job/execution/job_exe.py _all_tasks); statuses from job/tasks/base_task.py
# Task.update, exit codes from job/tasks/update.py (FINISHED without a code is 0).
ALL = ["pull", "pre", "main", "post"]


@pytest.mark.parametrize(("status", "code", "error", "outcome"), [
    ("COMPLETED", 0, None, ["FINISHED 0", "FINISHED 0", "FINISHED 0", "FINISHED 0"]),
    ("FAILED", 1, "algorithm-unknown", ["FINISHED 0", "FINISHED 0", "FAILED 1", "-"]),
    ("FAILED", 137, "pre-timeout", ["FINISHED 0", "KILLED 137 timed out", "-", "-"]),
    ("FAILED", 137, "timeout", ["FINISHED 0", "FINISHED 0", "KILLED 137 timed out", "-"]),
    ("FAILED", 137, "post-timeout",
     ["FINISHED 0", "FINISHED 0", "FINISHED 0", "KILLED 137 timed out"]),
    ("FAILED", None, "pull", ["FAILED", "-", "-", "-"]),
    ("FAILED", None, "task-launch", ["launched", "-", "-", "-"]),
    ("FAILED", None, "launch-timeout", ["launched", "-", "-", "-"]),
    ("FAILED", None, "node-lost", ["FINISHED 0", "FINISHED 0", "-", "-"]),
    ("FAILED", 137, "resource-starvation", ["FINISHED 0", "FINISHED 0", "KILLED 137", "-"]),
    ("CANCELED", None, None, ["FINISHED 0", "FINISHED 0", "KILLED", "-"]),
])
def test_task_results_list_every_task_in_scales_shape(status, code, error, outcome):
    from server_stub.store.serialize import task_results

    got = task_results(exe_row(status, code), error)
    assert got["version"] == "1.0"
    tasks = got["tasks"]
    assert [t["type"] for t in tasks] == ALL  # every task, launched or not

    def summary(task):
        if not task["was_launched"]:
            assert set(task) == {"task_id", "type", "was_launched"}
            return "-"
        if not task["was_started"]:
            assert set(task) == {"task_id", "type", "was_launched", "launched", "was_started"}
            return "launched"
        assert {"started", "ended", "was_timed_out", "status"} <= set(task)
        assert "exit_code" not in task or isinstance(task["exit_code"], int)  # never null
        text = task["status"] + (f" {task['exit_code']}" if "exit_code" in task else "")
        return text + (" timed out" if task["was_timed_out"] else "")

    assert [summary(t) for t in tasks] == outcome
    ran = [t for t in tasks if t.get("was_started")]
    if status != "FAILED" or error not in ("node-lost",):
        assert not ran or ran[-1]["ended"] == "1970-01-01T00:18:20Z"  # ends with the execution
    assert all(a["ended"] == b["launched"] for a, b in pairwise(ran))  # back to back


def test_a_system_job_runs_only_its_main_task():
    # job/execution/configuration/configurators.py: _configure_system_job adds no pull/pre/post
    from server_stub.store.serialize import task_results

    tasks = task_results(exe_row("COMPLETED", 0), None, is_system=True)["tasks"]
    assert [(t["type"], t["status"], t["exit_code"]) for t in tasks] == [("main", "FINISHED", 0)]


def test_an_execution_canceled_before_it_started_launched_nothing():
    from server_stub.store.serialize import task_results

    row = {**exe_row("CANCELED", None), "started": None, "ended": None}
    assert [t["was_launched"] for t in task_results(row)["tasks"]] == [False] * 4


def test_a_pre_task_timeout_shows_in_the_task_results(http):
    failed = http.get("/v6/jobs/", params={"status": "FAILED", "page_size": 1000}).json()
    timed_out = [e for job in failed["results"] for e in http.get(
        f"/v6/jobs/{job['id']}/executions/", params={"error_id": 8}).json()["results"]]
    assert timed_out, "the frozen seed has a pre-task timeout among its failed jobs' runs"
    exe = http.get(f"/v6/jobs/{timed_out[0]['job']['id']}/executions/"
                   f"{timed_out[0]['exe_num']}/").json()
    assert exe["error"]["name"] == "pre-timeout"
    tasks = exe["task_results"]["tasks"]
    assert [t["type"] for t in tasks] == ["pull", "pre", "main", "post"]
    assert (tasks[1]["status"], tasks[1]["was_timed_out"]) == ("KILLED", True)
    assert [t["was_launched"] for t in tasks[2:]] == [False, False]
