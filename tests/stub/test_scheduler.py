"""The scheduler endpoint and the simulator obeying it.

Scale's source followed: ``scheduler/views.py`` (``SchedulerView.get_v6`` / ``patch_v6``),
``scheduler/serializers.py`` (``SchedulerSerializerV6`` fields), ``scheduler/models.py``
(``Scheduler`` defaults), Django 1.11's ``BooleanField.to_python`` for the values ``update()``
converts, ``queue/models.py`` (``QueueManager.get_queue``: FIFO/LIFO order) and
``scheduler/manager.py`` ("Scheduler is paused, so no new jobs will be scheduled. Existing jobs
will continue to run.").
"""

from __future__ import annotations

import pytest

from server_stub.app import open_state
from server_stub.store import scheduler
from server_stub.store.queueing import insert_job
from tests.stub.conftest import every_page

DEFAULTS = {"is_paused": False, "num_message_handlers": 1, "system_logging_level": "INFO",
            "queue_mode": "FIFO"}


@pytest.mark.parametrize("version", ["v6", "v7"])
def test_get_shows_the_serializer_fields_in_order_with_the_model_defaults(http, version):
    r = http.get(f"/{version}/scheduler/")
    assert r.status_code == 200 and r.headers["content-type"] == "application/json"
    assert list(r.json().items()) == list(DEFAULTS.items())


def test_patch_answers_204_without_a_body_and_get_shows_the_change(fresh):
    r = fresh.patch("/v6/scheduler/", json={"is_paused": True, "num_message_handlers": 3})
    assert r.status_code == 204 and r.content == b""
    assert fresh.get("/v6/scheduler/").json() == {**DEFAULTS, "is_paused": True,
                                                  "num_message_handlers": 3}
    assert fresh.patch("/v7/scheduler/", json={"is_paused": False}).status_code == 204
    assert fresh.get("/v6/scheduler/").json()["is_paused"] is False


@pytest.mark.parametrize(("body", "text"), [
    # Scale's own test sends a key with a trailing space (test_update_scheduler_invalid_fields)
    ({"system_logging_level ": "BAD"}, "Unexpected fields: system_logging_level "),
    ({"foo": "bar", "is_paused": True, "baz": 1}, "Unexpected fields: foo, baz"),
    ({}, "No fields specified for update."),
    ({"queue_mode": "chocolate"},
     "Unexpected value chocolate for queue_mode. Valid values are FIFO, LIFO"),
    ({"is_paused": "yes"},
     "Validation Error: [u\"'yes' value must be either True or False.\"]"),
    ({"is_paused": 2}, "Validation Error: [u\"'2' value must be either True or False.\"]"),
    ({"is_paused": ["t"]},
     "Validation Error: [u\"'[u't']' value must be either True or False.\"]"),
])
def test_patch_refusals_are_scales_json_string_bodies(fresh, body, text):
    r = fresh.patch("/v6/scheduler/", json=body)
    assert r.status_code == 400
    assert r.json() == text  # Response('...', status=400): a JSON string, not {"detail": ...}
    assert fresh.get("/v6/scheduler/").json() == DEFAULTS


def test_patch_without_a_body_is_no_fields(fresh):
    r = fresh.patch("/v6/scheduler/")
    assert r.status_code == 400 and r.json() == "No fields specified for update."


@pytest.mark.parametrize(("value", "stored"), [
    (True, True), (False, False), (1, True), (0, False), ("t", True), ("True", True),
    ("1", True), ("f", False), ("False", False), ("0", False)])
def test_is_paused_takes_what_djangos_boolean_field_takes(fresh, value, stored):
    if not stored:
        fresh.patch("/v6/scheduler/", json={"is_paused": True})
    assert fresh.patch("/v6/scheduler/", json={"is_paused": value}).status_code == 204
    assert fresh.get("/v6/scheduler/").json()["is_paused"] is stored


def test_queue_mode_is_checked_in_any_case_but_stored_as_sent(fresh):
    # Scale's test_update_scheduler_queue_order sends 'fifo'; the view upper-cases only to check
    assert fresh.patch("/v6/scheduler/", json={"queue_mode": "lifo"}).status_code == 204
    assert fresh.get("/v6/scheduler/").json()["queue_mode"] == "lifo"


@pytest.mark.parametrize(("body", "text"), [
    ({"is_paused": None}, "Validation Error: [u'This field cannot be null.']"),
    ({"num_message_handlers": "many"},
     "Validation Error: [u\"'many' value must be an integer.\"]"),
    ({"num_message_handlers": 2**31}, "Validation Error: [u\"'2147483648' value must be an "
                                      "integer.\"]"),
    ({"system_logging_level": "EXTRAVAGANT"},
     "Validation Error: [u'Ensure this value has at most 10 characters (it has 11).']"),
    ({"queue_mode": 5}, "Unexpected value 5 for queue_mode. Valid values are FIFO, LIFO"),
])
def test_values_scale_fails_on_with_a_500_are_a_400_here(fresh, body, text):
    r = fresh.patch("/v6/scheduler/", json=body)
    assert r.status_code == 400 and r.json() == text


def test_one_bad_value_changes_nothing(fresh):
    # update() is one UPDATE statement: every field or none
    r = fresh.patch("/v6/scheduler/", json={"is_paused": True, "num_message_handlers": "x"})
    assert r.status_code == 400
    assert fresh.get("/v6/scheduler/").json() == DEFAULTS


def test_numbers_convert_as_int_does(fresh):
    assert fresh.patch("/v6/scheduler/", json={"num_message_handlers": "7"}).status_code == 204
    assert fresh.get("/v6/scheduler/").json()["num_message_handlers"] == 7
    assert fresh.patch("/v6/scheduler/", json={"num_message_handlers": 2.9}).status_code == 204
    assert fresh.get("/v6/scheduler/").json()["num_message_handlers"] == 2


def test_scheduler_path_without_slash_redirects(http, stub_url):
    r = http.patch("/v6/scheduler", json={"is_paused": True})
    assert r.status_code == 301 and r.headers["location"] == f"{stub_url}/v6/scheduler/"


def test_other_methods_are_405(http):
    r = http.post("/v6/scheduler/", json={"is_paused": True})
    assert r.status_code == 405 and r.json() == {"detail": 'Method "POST" not allowed.'}


def by_status(client, status):
    return every_page(client, "/v6/jobs/", {"status": status, "page_size": 1000})


def test_paused_scheduler_starts_no_job_but_running_ones_go_on(fresh):
    queued = {j["id"] for j in by_status(fresh, "QUEUED") if not j["job_type"]["is_paused"]}
    running = {j["id"] for j in by_status(fresh, "RUNNING")}
    assert queued and running
    fresh.patch("/v6/scheduler/", json={"is_paused": True})
    ended = set()
    for _ in range(10):  # a frozen run lasts 2-7 ticks
        changes = fresh.post("/_stub/tick").json()
        assert changes["started"] == 0
        ended |= {j for j in running if fresh.get(f"/v6/jobs/{j}/").json()["status"]
                  != "RUNNING"}
    assert ended == running  # every running job reached its end while paused
    still = {j["id"] for j in by_status(fresh, "QUEUED")}
    assert queued <= still
    fresh.patch("/v6/scheduler/", json={"is_paused": False})
    assert fresh.post("/_stub/tick").json()["started"] > 0
    assert not queued & {j["id"] for j in by_status(fresh, "QUEUED")}


def test_a_stub_can_start_paused_and_a_database_keeps_the_setting(tmp_path):
    path = str(tmp_path / "stub.sqlite3")
    state = open_state(path, jobs=60, seed=2, simulate=False, paused=True)
    assert state.simulator.step()["started"] == 0
    state.db.close()
    again = open_state(path, jobs=60, seed=2, simulate=False)
    with again.db.read() as conn:
        assert scheduler.read(conn).is_paused
    again.db.close()


@pytest.mark.parametrize(("mode", "newest_first"), [("FIFO", False), ("LIFO", True)])
def test_queue_mode_decides_which_queued_jobs_start_first(mode, newest_first):
    state = open_state(jobs=20, seed=1, simulate=False, paused=True)
    jt = next(t for t in state.catalog.job_types.values()
              if t.raw["is_active"] and not t.raw["is_paused"] and not t.file_inputs
              and not [i for i in t.json_inputs if i.get("required", True)])
    with state.db.write() as conn:
        conn.execute("UPDATE jobs SET status = 'CANCELED' WHERE status = 'QUEUED'")
        new = [insert_job(conn, jt, {"files": {}, "json": {}}, None, 10**15 + i)
               for i in range(scheduler_slots() + 10)]
        scheduler.write(conn, {"is_paused": False, "queue_mode": mode})
    state.simulator.step()
    with state.db.read() as conn:
        started = [r[0] for r in conn.execute(
            f"SELECT id FROM jobs WHERE status = 'RUNNING' AND id >= {new[0]} ORDER BY id")]
    assert 0 < len(started) < len(new)
    expected = new[-len(started):] if newest_first else new[:len(started)]
    assert started == expected


def scheduler_slots() -> int:
    from server_stub.sim.simulator import SLOTS

    return SLOTS
