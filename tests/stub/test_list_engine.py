"""The list's fast paths give exactly what the plain definitions give."""

from __future__ import annotations

import json
import random

import pytest

from server_stub import serialize
from server_stub.joblist import LIST_COLUMNS, PageEncoder


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
    assert fresh.stub.state.row_cache.tails
    fresh.post("/v6/jobs/cancel/", json={"job_ids": [running["id"]]})
    fresh.post("/_stub/drain")
    after = listed(running["id"])
    assert after["status"] == "CANCELED" and after["node"] is None
    details = fresh.get(f"/v6/jobs/{running['id']}/").json()
    same = [k for k in after if k not in ("job_type_rev", "superseded_job")]
    assert {k: after[k] for k in same} == {k: details[k] for k in same}


def test_row_cache_misses_on_any_change_and_stays_bounded():
    from server_stub.joblist import RowCache

    cache = RowCache(size=10)
    row = (1, 2, "RUNNING", None)
    cache.put(row, "tail")
    assert cache.get((1, 2, "RUNNING", None)) == "tail"
    assert cache.get((1, 2, "CANCELED", None)) is None
    for i in range(100):
        cache.put((i, 0), str(i))
    assert len(cache.tails) <= 10 and cache.get((99, 0)) == "99"
