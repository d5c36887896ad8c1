"""Cancel, requeue and queue-new-job: Scale's state machine, applied after the 202."""

from __future__ import annotations

import pytest

from tests.stub.conftest import every_page, wait_for


def jobs_by_status(client, status):
    return every_page(client, "/v6/jobs/", {"status": status, "page_size": 1000})


def job(client, job_id):
    return client.get(f"/v6/jobs/{job_id}/").json()


def test_cancel_answers_202_with_an_empty_body_then_applies(fresh):
    running = jobs_by_status(fresh, "RUNNING")[0]
    r = fresh.post("/v6/jobs/cancel/", json={"job_ids": [running["id"]]})
    assert r.status_code == 202 and r.content == b""
    after = wait_for(lambda: (j := job(fresh, running["id"]))["status"] == "CANCELED" and j)
    assert after["node"] is None and after["error"] is None
    assert after["ended"] is None  # Scale's cancel does not set `ended`
    assert after["last_modified"] > running["last_modified"]
    exe = fresh.get(f"/v6/jobs/{running['id']}/executions/").json()["results"][0]
    assert exe["status"] == "CANCELED"


def test_cancel_applies_to_every_status_but_completed_and_canceled(fresh):
    before = {j["id"]: j["status"] for j in every_page(fresh, "/v6/jobs/", {"page_size": 1000})}
    ids = sorted(before)
    assert fresh.post("/v6/jobs/cancel/", json={"job_ids": ids}).status_code == 202
    fresh.post("/_stub/drain")
    after = {j["id"]: j["status"] for j in every_page(fresh, "/v6/jobs/", {"page_size": 1000})}
    for job_id, status in before.items():
        expected = status if status == "COMPLETED" else "CANCELED"
        assert after[job_id] == expected, (job_id, status)


def test_cancel_with_status_filter_and_plural_names(fresh):
    failed = jobs_by_status(fresh, "FAILED")
    categories = sorted({j["error"]["category"] for j in failed})
    fresh.post("/v6/jobs/cancel/", json={"status": "FAILED", "error_categories": categories[:1]})
    fresh.post("/_stub/drain")
    still_failed = jobs_by_status(fresh, "FAILED")
    assert {j["error"]["category"] for j in still_failed} == set(categories[1:])
    assert len(still_failed) < len(failed)


def test_empty_cancel_body_touches_every_eligible_job(fresh):
    assert fresh.post("/v6/jobs/cancel/").status_code == 202
    fresh.post("/_stub/drain")
    statuses = {j["status"] for j in every_page(fresh, "/v6/jobs/", {"page_size": 1000})}
    assert statuses == {"COMPLETED", "CANCELED"}


def test_cancel_job_types_pairs_are_checked(fresh):
    r = fresh.post("/v6/jobs/cancel/", json={"job_types": [{"name": "sam"}]})
    assert r.status_code == 400
    assert r.json() == {"detail": "Job types argument invalid: [{u'name': u'sam'}]"}
    r = fresh.post("/v6/jobs/requeue/", json={"job_types": [{"name": "sam", "version": "9"}]})
    assert r.status_code == 400
    assert r.json() == {"detail": "Job Type with name: sam and version: 9 does not exist"}


@pytest.mark.parametrize("body,detail", [
    ({"job_ids": ["x"]}, 'Parameter must be a valid integer: "job_ids"'),
    ({"started": "nope"}, "Invalid ISO timestamp format for parameter: started"),
    ({"is_superseded": "maybe"}, 'Parameter must be a valid boolean: "is_superseded"'),
    ({"priority": "high"}, 'Parameter must be a valid integer: "priority"'),
])
def test_bad_requeue_bodies_get_scales_messages_and_change_nothing(fresh, body, detail):
    r = fresh.post("/v6/jobs/requeue/", json=body)
    assert r.status_code == 400 and r.json() == {"detail": detail}
    with fresh.stub.state.db.read() as conn:
        assert conn.execute("SELECT count(*) FROM commands").fetchone()[0] == 0


def test_requeue_failed_job_raises_max_tries_and_queues_it(fresh):
    failed = jobs_by_status(fresh, "FAILED")[0]
    r = fresh.post("/v6/jobs/requeue/", json={"job_ids": [failed["id"]], "priority": 7})
    assert r.status_code == 202 and r.content == b""
    after = wait_for(lambda: (j := job(fresh, failed["id"]))["status"] == "QUEUED" and j)
    assert after["num_exes"] == failed["num_exes"] + 1
    assert after["max_tries"] == failed["num_exes"] + 3
    assert after["error"] is None and after["node"] is None
    assert after["started"] is None and after["ended"] is None
    with fresh.stub.state.db.read() as conn:
        priority = conn.execute("SELECT priority FROM jobs WHERE id = ?",
                                (failed["id"],)).fetchone()[0]
    assert priority == 7


def test_requeue_uncancels_never_queued_jobs_to_pending(fresh):
    canceled = [j for j in jobs_by_status(fresh, "CANCELED") if j["num_exes"] == 0]
    ran = [j for j in jobs_by_status(fresh, "CANCELED") if j["num_exes"] > 0]
    assert canceled and ran
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [canceled[0]["id"], ran[0]["id"]]})
    fresh.post("/_stub/drain")
    assert job(fresh, canceled[0]["id"])["status"] == "PENDING"
    assert job(fresh, ran[0]["id"])["status"] == "QUEUED"


def test_requeue_skips_completed_and_superseded_jobs(fresh):
    completed = jobs_by_status(fresh, "COMPLETED")[0]
    superseded = every_page(fresh, "/v6/jobs/", {"is_superseded": "true"})[0]
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [completed["id"], superseded["id"]]})
    fresh.post("/_stub/drain")
    assert job(fresh, completed["id"])["status"] == "COMPLETED"
    assert job(fresh, superseded["id"])["status"] == superseded["status"]


def test_requeue_of_a_running_job_queues_a_new_execution(fresh):
    running = jobs_by_status(fresh, "RUNNING")[0]
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [running["id"]]})
    fresh.post("/_stub/drain")
    after = job(fresh, running["id"])
    assert after["status"] == "QUEUED" and after["num_exes"] == running["num_exes"] + 1
    exes = fresh.get(f"/v6/jobs/{running['id']}/executions/").json()["results"]
    assert exes[0]["status"] == "CANCELED"


def test_queue_new_job_answers_201_with_location_and_details(fresh, stub_url):
    r = fresh.post("/v6/jobs/", json={"job_type_id": 2, "input": {
        "files": {"image": [6], "signature": [1]}, "json": {"ignored": 1}},
        "configuration": {"priority": 5}})
    assert r.status_code == 201, r.text
    body = r.json()
    assert r.headers["location"] == f"{fresh.stub.url}/v6/jobs/{body['id']}/"
    assert body["status"] == "QUEUED" and body["num_exes"] == 1 and body["execution"] is None
    assert body["event"]["type"] == "USER" and body["max_tries"] == 3
    assert body["input"] == {"files": {"image": [6], "signature": [1]}, "json": {}}
    assert body["configuration"]["priority"] == 5
    assert set(body["input_files"]) == {"image", "signature"}


@pytest.mark.parametrize("body,status,detail", [
    ({}, 400, 'Missing required parameter: "job_type_id"'),
    ({"job_type_id": "two"}, 400, 'Parameter must be a valid integer: "job_type_id"'),
    ({"job_type_id": 2, "input": []}, 400, 'Parameter must be a valid JSON object: "input"'),
    ({"job_type_id": 2, "input": {"version": "5"}}, 400,
     "Invalid data: 5 is an unsupported version number"),
    ({"job_type_id": 2, "input": {"files": {"image": []}}}, 400, "Invalid data: [] is too short"),
    ({"job_type_id": 2, "input": {"other": 1}}, 400,
     "Invalid data: Additional properties are not allowed (u'other' was unexpected)"),
    ({"job_type_id": 999, "input": {}}, 404, "Not found."),
    ({"job_type_id": 2, "input": {"files": {"image": [1]}}}, 400,
     "Parameter 'signature' is required"),
    ({"job_type_id": 2, "input": {"files": {"image": [1, 2], "signature": [1]}}}, 400,
     "Parameter 'image' cannot accept multiple files"),
    ({"job_type_id": 2, "input": {"files": {"image": [1], "signature": [1]}},
      "configuration": {"version": "BAD"}}, 400,
     "Job type configuration invalid: Invalid configuration version: BAD"),
    ({"job_type_id": 12, "input": {}}, 400,
     "Job type caffe-aircraft-detection 1.0 is not active and cannot be queued"),
])
def test_queue_new_job_errors(fresh, body, status, detail):
    r = fresh.post("/v6/jobs/", json=body)
    assert r.status_code == status
    assert r.json() == {"detail": detail}


def test_requeue_priority_comes_from_the_request_then_the_batch_then_the_job(fresh):
    """docs/scale.md §4.2: a truthy request priority, else the batch's, else the configuration's."""
    failed = [j for j in jobs_by_status(fresh, "FAILED") if not j["is_superseded"]][:3]
    with fresh.stub.state.db.write() as conn:  # the seed's few batch jobs are not requeueable
        conn.executemany("UPDATE jobs SET batch_id = 2 WHERE id = ?",
                         [(j["id"],) for j in failed[:2]])
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [failed[0]["id"], failed[2]["id"]],
                                         "priority": 0})  # 0 counts as not given
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [failed[1]["id"]], "priority": 7})
    fresh.post("/_stub/drain")
    with fresh.stub.state.db.read() as conn:
        got = [conn.execute("SELECT status, priority FROM jobs WHERE id = ?",
                            (j["id"],)).fetchone() for j in failed]
    assert [tuple(row) for row in got] == [("QUEUED", 50), ("QUEUED", 7), ("QUEUED", 100)]
