"""Issue 16, point 8: an execution's configuration and output, a queued job's 201 body, JSON
input types, and the simulator's execution times, as Scale has them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from server_stub.store.params import BadParameter
from server_stub.store.queueing import fit_interface

# job/execution/configuration/json/exe_config.py EXE_CONFIG_SCHEMA (version 2.0)
TOP_KEYS = {"version", "input_files", "output_workspaces", "tasks"}
TASK_KEYS = {"task_id", "type", "resources", "args", "env_vars", "workspaces", "mounts",
             "settings", "volumes", "docker_params"}
INPUT_FILE_KEYS = {"id", "type", "workspace_name", "workspace_path", "local_file_name",
                   "is_deleted"}


def completed_regular_job(all_jobs):
    return next(j for j in all_jobs if j["status"] == "COMPLETED" and not j["job_type"]["is_system"]
                and j["input_files"])


def test_execution_configuration_has_the_keys_of_scales_schema(http, all_jobs):
    job = completed_regular_job(all_jobs)
    exe = http.get(f"/v6/jobs/{job['id']}/executions/{job['num_exes']}/").json()
    conf = exe["configuration"]
    assert set(conf) == TOP_KEYS and conf["version"] == "2.0"
    assert [t["type"] for t in conf["tasks"]] == ["pull", "pre", "main", "post"]
    for task in conf["tasks"]:
        assert set(task) <= TASK_KEYS, set(task) - TASK_KEYS  # no docker_image
        assert {"type", "args"} <= set(task)  # the schema's required keys
    assert conf["tasks"][0]["args"].startswith("docker pull ")  # the image is here
    main = conf["tasks"][2]
    assert {"workspaces", "mounts", "settings", "volumes"} <= set(main)
    assert set(conf["input_files"]) == set(job["input_files"])
    for files in conf["input_files"].values():
        for f in files:
            assert set(f) == INPUT_FILE_KEYS


def test_execution_output_carries_the_data_version(http, all_jobs):
    # scale_post_steps: job_exe_output.output = JobResults.get_dict(), DataV6 with "version"
    job = completed_regular_job(all_jobs)
    exe = http.get(f"/v6/jobs/{job['id']}/executions/{job['num_exes']}/").json()
    assert exe["output"]["version"] == "7"
    assert list(exe["output"]) == ["version", "files", "json"]
    details = http.get(f"/v6/jobs/{job['id']}/").json()
    assert "version" not in details["output"]  # Job.get_v6_output_data_json strips it


def test_queued_job_shows_no_input_size_until_processed_and_unknown_files_as_empty(fresh):
    # Job.get_input_files_json: names of the files that exist, [] when none does;
    # input_file_size is set by process_job_input, after JobsView.post has answered.
    r = fresh.post("/v6/jobs/", json={"job_type_id": 2, "input": {
        "files": {"image": [6], "signature": [999_999]}}})
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["input_file_size"] is None
    assert body["input_files"]["signature"] == []
    assert len(body["input_files"]["image"]) == 1
    later = fresh.get(f"/v6/jobs/{body['id']}/").json()
    assert isinstance(later["input_file_size"], float) and later["input_file_size"] >= 0


def json_type(kind: str):
    return SimpleNamespace(file_inputs=[], json_inputs=[{"name": "x", "type": kind}])


# data/data/value.py JsonValue.validate
@pytest.mark.parametrize("kind,good,bad,message", [
    ("integer", 3, 3.5, "Parameter 'x' must receive an integer"),
    ("integer", True, "3", "Parameter 'x' must receive an integer"),  # bool is an int there
    ("number", 3.5, "3.5", "Parameter 'x' must receive a number"),
    ("boolean", False, 0, "Parameter 'x' must receive a boolean"),
    ("object", {"a": 1}, [1], "Parameter 'x' must receive a JSON object"),
    ("array", [1], {"a": 1}, "Parameter 'x' must receive an array"),
    ("string", "s", 1, "Parameter 'x' must receive a string"),
])
def test_json_inputs_are_checked_against_their_declared_type(kind, good, bad, message):
    assert fit_interface({"files": {}, "json": {"x": good}}, json_type(kind))["json"] == {
        "x": good}
    with pytest.raises(BadParameter) as caught:
        fit_interface({"files": {}, "json": {"x": bad}}, json_type(kind))
    assert caught.value.detail == message


def test_a_simulated_execution_takes_the_jobs_queue_time(fresh):
    # queue/job_exe.py QueuedJobExecution.create_job_exe_model: job_exe.queued = queue.queued
    r = fresh.post("/v6/jobs/", json={"job_type_id": 2, "input": {
        "files": {"image": [6], "signature": [1]}}})
    job_id = r.json()["id"]
    queued = r.json()["queued"]
    for _ in range(30):
        fresh.post("/_stub/tick")
        exes = fresh.get(f"/v6/jobs/{job_id}/executions/").json()["results"]
        if exes:
            break
    assert exes, "the simulator started the job"
    assert exes[0]["queued"] == queued
    assert exes[0]["started"] >= queued
