"""Seed data: deterministic for a seed, fixed epoch when frozen, realistic coverage."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest

from server_stub.app import open_state
from server_stub.sim.seed import RECENT_CAP, ChunkWriter
from server_stub.store.timefmt import FIXED_EPOCH_US


def dump(state):
    with state.db.read() as conn:
        return [tuple(r) for r in conn.execute("SELECT * FROM jobs ORDER BY id")]


def test_same_seed_same_data_other_seed_other_data():
    a = open_state(jobs=120, seed=5, simulate=False)
    b = open_state(jobs=120, seed=5, simulate=False)
    c = open_state(jobs=120, seed=6, simulate=False)
    assert dump(a) == dump(b)
    assert dump(a) != dump(c)


def test_frozen_seed_starts_at_the_fixed_epoch():
    state = open_state(jobs=50, seed=1, simulate=False)
    with state.db.read() as conn:
        first = conn.execute("SELECT min(created) FROM jobs").fetchone()[0]
    assert FIXED_EPOCH_US <= first < FIXED_EPOCH_US + 60_000_000


def test_even_ten_jobs_cover_every_status():
    state = open_state(jobs=10, seed=1, simulate=False)
    with state.db.read() as conn:
        statuses = {r[0] for r in conn.execute("SELECT status FROM jobs")}
    assert len(statuses) == 7


def test_seed_has_recipes_batches_events_and_sources():
    state = open_state(jobs=300, seed=7, simulate=False)
    with state.db.read() as conn:
        one = lambda sql: conn.execute(sql).fetchone()[0]  # noqa: E731
        assert one("SELECT count(*) FROM jobs WHERE recipe_id IS NOT NULL") > 50
        assert one("SELECT count(*) FROM jobs WHERE batch_id IS NOT NULL") > 0
        assert one("SELECT count(DISTINCT type) FROM events") >= 4
        assert one("SELECT count(*) FROM jobs WHERE source_sensor IS NOT NULL") > 100
        assert one("SELECT count(*) FROM jobs WHERE ingest_event_id IS NOT NULL") > 0
        assert one("SELECT count(*) FROM jobs WHERE num_exes > 1") > 5


def test_job_counts_table_stays_exact_as_jobs_change():
    state = open_state(jobs=100, seed=3, simulate=False)
    with state.db.write() as conn:
        conn.execute("UPDATE jobs SET status = 'CANCELED' WHERE status = 'FAILED'")
        conn.execute("DELETE FROM jobs WHERE id = 1")
    with state.db.read() as conn:
        kept = dict(conn.execute("SELECT status, n FROM job_counts WHERE n > 0").fetchall())
        real = dict(conn.execute("SELECT status, count(*) FROM jobs GROUP BY status").fetchall())
    assert kept == real


def test_live_seed_ends_now_without_a_pile_up_or_retired_types_at_work(monkeypatch):
    now = FIXED_EPOCH_US + 400 * 86_400_000_000
    monkeypatch.setattr("server_stub.app.now_us", lambda: now)
    state = open_state(jobs=2000, seed=9, simulate=True)
    with state.db.read() as conn:
        newest = conn.execute("SELECT max(last_modified), max(ended), max(started) FROM jobs"
                              ).fetchone()
        assert max(v for v in newest if v is not None) <= now
        top = conn.execute("SELECT last_modified, count(*) FROM jobs GROUP BY last_modified "
                           "ORDER BY last_modified DESC LIMIT 1").fetchone()
        assert top[1] <= 2  # not a crowd of jobs all ending at the same instant
        retired = [t.id for t in state.catalog.job_types.values() if not t.raw["is_active"]]
        busy = conn.execute(f"SELECT count(*) FROM jobs WHERE job_type_id IN "
                            f"({','.join(map(str, retired))}) AND status IN "
                            "('RUNNING', 'QUEUED', 'PENDING', 'BLOCKED')").fetchone()[0]
        assert busy == 0
        assert conn.execute("SELECT count(*) FROM jobs WHERE status = 'COMPLETED' AND "
                            "ended = started").fetchone()[0] == 0


def test_live_seed_has_the_paused_type_queued_not_running_at_the_end():
    state = open_state(jobs=2000, seed=9, simulate=True)
    paused = [t.id for t in state.catalog.job_types.values() if t.raw["is_paused"]]
    with state.db.read() as conn:
        recent = dict(conn.execute(
            f"SELECT status, count(*) FROM jobs WHERE job_type_id IN "
            f"({','.join(map(str, paused))}) AND id > 1900 AND id <= 1993 GROUP BY status"
        ).fetchall())
    assert recent.get("QUEUED", 0) >= 1
    assert "RUNNING" not in recent and "COMPLETED" not in recent


def test_frozen_seed_ends_without_a_pile_up_or_zero_length_runs():
    state = open_state(jobs=300, seed=7, simulate=False)
    with state.db.read() as conn:
        top = conn.execute("SELECT last_modified, count(*) FROM jobs GROUP BY last_modified "
                           "ORDER BY last_modified DESC LIMIT 1").fetchone()
        assert top[1] <= 2
        assert conn.execute("SELECT count(*) FROM executions WHERE ended = started"
                            ).fetchone()[0] == 0


def test_a_seeded_file_is_back_in_wal_mode_with_every_row(tmp_path):
    state = open_state(str(tmp_path / "stub.sqlite3"), jobs=120, seed=5, simulate=False)
    with state.db.read() as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("SELECT count(*) FROM jobs").fetchone()[0] == 120
    assert dump(state) == dump(open_state(jobs=120, seed=5, simulate=False))
    state.db.close()


def test_a_failed_chunk_write_stops_the_seed_with_its_error():
    class Broken:
        def executemany(self, sql, rows):
            raise sqlite3.OperationalError("disk I/O error")

    writer = ChunkWriter(Broken())
    writer.put(([], [], [], [], [], []))
    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        writer.close()


def test_a_long_history_keeps_a_clusters_worth_of_live_work():
    # 5 % of 6,000 would be 300 jobs in flight; a 24-slot cluster holds a few dozen
    state = open_state(jobs=6000, seed=3, simulate=False)
    with state.db.read() as conn:
        live = conn.execute("SELECT count(*), min(id) FROM jobs WHERE status IN ('RUNNING', "
                            "'QUEUED', 'PENDING', 'BLOCKED')").fetchone()
    assert 0 < live[0] <= RECENT_CAP and live[1] > 6000 - RECENT_CAP


SEEDED_TABLES = ("meta", "events", "recipes", "jobs", "executions", "files", "job_input_files",
                 "job_counts")


def digest(state) -> str:
    """One hash of every seeded row, table by table in rowid order."""
    h = hashlib.sha256()
    with state.db.read() as conn:
        for table in SEEDED_TABLES:
            h.update(table.encode())
            for row in conn.execute(f"SELECT * FROM {table} ORDER BY rowid"):
                h.update(repr(tuple(row)).encode())
    return h.hexdigest()[:16]


# The rows a seed gives, as the seed code of 2 December 2026 wrote them. The seed is rewritten
# for speed from time to time (issue 15); a seed must keep giving the same cluster, so a
# different hash here is a bug in the rewrite, not a new expected value. The small chunk makes
# a 2,000-job seed cross chunk boundaries (superseded chains are drawn per chunk).
@pytest.mark.parametrize("jobs, seed, live, chunk, expected", [
    (2000, 1, False, None, "982839a41b84349c"),
    (2000, 7, False, 300, "e90324136e445b67"),
    (2000, 9, True, None, "cfa3d69614a04dea"),
])
def test_a_seed_gives_the_same_rows_as_before(monkeypatch, jobs, seed, live, chunk, expected):
    if chunk:
        monkeypatch.setattr("server_stub.sim.seed.CHUNK", chunk)
    monkeypatch.setattr("server_stub.app.now_us", lambda: FIXED_EPOCH_US + 400 * 86_400_000_000)
    assert digest(open_state(jobs=jobs, seed=seed, simulate=live)) == expected
