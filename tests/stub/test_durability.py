"""A 202'd command survives a crash before it was applied: the next start applies it."""

from __future__ import annotations

import sqlite3

import httpx

from server_stub.runner import StubServer


def test_accepted_cancel_is_applied_after_a_restart(tmp_path):
    db_file = str(tmp_path / "stub.sqlite3")
    with StubServer(db_path=db_file, jobs=50, seed=11, simulate=False) as server:
        server.state.applier.stop()  # the process "dies" before applying anything
        running = httpx.get(f"{server.url}/v6/jobs/", params={"status": "RUNNING"}).json()
        victim = running["results"][0]["id"]
        r = httpx.post(f"{server.url}/v6/jobs/cancel/", json={"job_ids": [victim]})
        assert r.status_code == 202
        assert httpx.get(f"{server.url}/v6/jobs/{victim}/").json()["status"] == "RUNNING"

    with sqlite3.connect(db_file) as conn:  # recorded durably, not yet applied
        assert conn.execute("SELECT kind, applied FROM commands").fetchall() == [("cancel", None)]

    with StubServer(db_path=db_file, jobs=50, seed=11, simulate=False) as server:
        assert httpx.get(f"{server.url}/v6/jobs/{victim}/").json()["status"] == "CANCELED"
        with server.state.db.read() as conn:
            assert conn.execute("SELECT applied FROM commands").fetchone()[0] is not None


def test_an_existing_database_is_reused_not_reseeded(tmp_path):
    db_file = str(tmp_path / "stub.sqlite3")
    with StubServer(db_path=db_file, jobs=30, seed=2, simulate=False) as server:
        created = httpx.post(f"{server.url}/v6/jobs/", json={"job_type_id": 13}).json()
    with StubServer(db_path=db_file, jobs=30, seed=2, simulate=False) as server:
        body = httpx.get(f"{server.url}/v6/jobs/{created['id']}/").json()
        assert body["status"] == "QUEUED"
        assert httpx.get(f"{server.url}/v6/jobs/").json()["count"] == 31
