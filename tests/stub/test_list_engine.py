"""The list's fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import json
import random
import time

import pytest

from server_stub.store import serialize
from server_stub.store.joblist import LIST_COLUMNS, PageEncoder


def test_list_rows_equal_serializer_output(fresh):
    state = fresh.stub.state
    with state.db.read() as conn:
        rows = conn.execute("SELECT * FROM jobs ORDER BY id").fetchall()
        listed = conn.execute(f"SELECT {LIST_COLUMNS} FROM jobs ORDER BY id").fetchall()
        rel = serialize.Related(conn, state.catalog, rows)
        fast = json.loads(PageEncoder(state.pieces, rel).rows(listed))
        plain = [serialize.job(r, rel) for r in rows]
    assert fast == plain
    assert [list(j) for j in fast] == [list(j) for j in plain]


@pytest.mark.parametrize("order", ["-last_modified", "last_modified", "created", "-id", None])
def test_pages_in_any_order_match_a_single_full_fetch(http, order, all_jobs):
    params = {"page_size": 1000, **({"order": order} if order else {})}
    full = [j["id"] for j in http.get("/v6/jobs/", params=params).json()["results"]]
    rng = random.Random(order)
    pages = list(range(1, 31)) * 2
    rng.shuffle(pages)
    for page in pages:  # visited out of order and twice: anchors from earlier pages get used
        got = http.get("/v6/jobs/", params={**params, "page_size": 10, "page": page}).json()
        assert [j["id"] for j in got["results"]] == full[(page - 1) * 10: page * 10], page


def test_pages_stay_right_after_the_data_changes(fresh):
    first = fresh.get("/v6/jobs/", params={"page": 3, "page_size": 20}).json()["results"]
    fresh.post("/v6/jobs/cancel/", json={"job_ids": [first[0]["id"]]})
    fresh.post("/_stub/drain")
    full = [j["id"] for j in fresh.get("/v6/jobs/", params={"page_size": 1000}).json()["results"]]
    again = fresh.get("/v6/jobs/", params={"page": 3, "page_size": 20}).json()["results"]
    assert [j["id"] for j in again] == full[40:60]


def test_cached_list_rows_follow_every_change(fresh):
    def listed(job_id):
        body = fresh.get("/v6/jobs/", params={"job_id": job_id}).json()
        return body["results"][0]

    running = fresh.get("/v6/jobs/", params={"status": "RUNNING"}).json()["results"][0]
    assert listed(running["id"]) == running  # second read comes from the cached row text
    assert fresh.stub.state.row_cache.rows
    fresh.post("/v6/jobs/cancel/", json={"job_ids": [running["id"]]})
    fresh.post("/_stub/drain")
    after = listed(running["id"])
    assert after["status"] == "CANCELED" and after["node"] is None
    details = fresh.get(f"/v6/jobs/{running['id']}/").json()
    same = [k for k in after if k not in ("job_type_rev", "superseded_job")]
    assert {k: after[k] for k in same} == {k: details[k] for k in same}


def test_row_cache_is_keyed_by_id_and_last_modified_and_stays_bounded():
    from server_stub.store.joblist import RowCache

    cache = RowCache(size=10)
    cache.put((1, 100), b"row")
    assert cache.get((1, 100)) == b"row"
    assert cache.get((1, 101)) is None
    for i in range(100):
        cache.put((i, 0), str(i).encode())
    assert len(cache.rows) <= 10 and cache.get((99, 0)) == b"99"


def test_every_update_moves_last_modified_on(fresh):
    """What keeps the row cache exact: a write that leaves last_modified alone, or sets it to
    the same instant, still gives the row a new (id, last_modified)."""
    db = fresh.stub.state.db
    job = fresh.get("/v6/jobs/", params={"status": "COMPLETED"}).json()["results"][0]
    with db.read() as conn:
        before = conn.execute("SELECT last_modified FROM jobs WHERE id = ?",
                              (job["id"],)).fetchone()[0]
    with db.write() as conn:
        conn.execute("UPDATE jobs SET num_exes = num_exes + 5 WHERE id = ?", (job["id"],))
    listed = fresh.get("/v6/jobs/", params={"job_id": job["id"]}).json()["results"][0]
    assert listed["num_exes"] == job["num_exes"] + 5
    with db.write() as conn:
        conn.execute("UPDATE jobs SET max_tries = 9, last_modified = ? WHERE id = ?",
                     (before + 1, job["id"]))
    with db.read() as conn:
        after = conn.execute("SELECT last_modified FROM jobs WHERE id = ?",
                             (job["id"],)).fetchone()[0]
    assert after == before + 2
    listed = fresh.get("/v6/jobs/", params={"job_id": job["id"]}).json()["results"][0]
    assert listed["num_exes"] == job["num_exes"] + 5 and listed["max_tries"] == 9


def test_the_page_after_a_fresh_page_is_encoded_ahead(fresh):
    cache = fresh.stub.state.row_cache
    cache.rows.clear()
    params = {"order": "-last_modified", "page_size": 20}
    fresh.get("/v6/jobs/", params=params)
    with fresh.stub.state.db.read() as conn:
        page2 = conn.execute("SELECT id, last_modified FROM jobs ORDER BY last_modified DESC, "
                             "id DESC LIMIT 20 OFFSET 20").fetchall()
    deadline = time.monotonic() + 10
    handed = fresh.stub.state.keys_ahead
    while not (handed and all(tuple(k) in cache.rows for k in page2)):  # after the body is sent
        assert time.monotonic() < deadline, "page 2 was not encoded ahead"
        time.sleep(0.01)
    assert [key[3] for key in handed] == [20]  # page 2's keys wait for its request
    ahead = fresh.get("/v6/jobs/", params={**params, "page": 2}).json()
    assert 20 not in [key[3] for key in handed]  # taken (page 3's may be there now)
    cache.rows.clear()
    assert fresh.get("/v6/jobs/", params={**params, "page": 2}).json() == ahead
    assert [j["id"] for j in ahead["results"]] == [k[0] for k in page2]


def test_big_pages_are_not_read_ahead(fresh):
    """Encoding 1000 rows on speculation would hold the event loop from other clients."""
    cache = fresh.stub.state.row_cache
    cache.rows.clear()
    page = fresh.get("/v6/jobs/", params={"page_size": 150}).json()
    assert page["next"] is not None
    time.sleep(0.3)
    assert len(cache.rows) == 150
