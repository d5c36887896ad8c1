"""Recipe effects: a job's cancel, failure, requeue or completion reaches the jobs after it."""

from __future__ import annotations

import random

from tests.stub.test_actions import job, jobs_by_status


def chain(fresh, first: dict, then: int = 2) -> list[int]:
    """A new recipe of `first` and the next `then` jobs by id, those made PENDING, never queued
    (the seed's recipes are random; this makes one whose later jobs wait on the first)."""
    db = fresh.stub.state.db
    with db.write() as conn:
        later = [r[0] for r in conn.execute(
            "SELECT id FROM jobs WHERE id > ? AND recipe_id IS NULL AND is_superseded = 0 "
            "AND status NOT IN ('RUNNING', 'QUEUED') ORDER BY id LIMIT ?",
            (first["id"], then))]
        recipe = conn.execute("SELECT max(id) + 1 FROM recipes").fetchone()[0]
        conn.execute("INSERT INTO recipes VALUES (?, 1, 12, NULL, NULL, 0)", (recipe,))
        conn.execute(f"UPDATE jobs SET recipe_id = ? WHERE id IN ({first['id']}, "
                     f"{','.join(map(str, later))})", (recipe,))
        conn.execute(f"UPDATE jobs SET status = 'PENDING', num_exes = 0, queued = NULL, "
                     f"started = NULL, ended = NULL, node_id = NULL, error_id = NULL "
                     f"WHERE id IN ({','.join(map(str, later))})")
    assert len(later) == then
    return later


def early_failed(fresh) -> dict:
    """A failed job with many jobs after it (the seed's RUNNING jobs are all among the last)."""
    return min((j for j in jobs_by_status(fresh, "FAILED") if not j["is_superseded"]),
               key=lambda j: j["id"])


def statuses(fresh, ids):
    return [job(fresh, i)["status"] for i in ids]


def test_cancel_blocks_the_waiting_jobs_after_it_and_requeue_frees_them(fresh):
    first = early_failed(fresh)
    later = chain(fresh, first)
    fresh.post("/v6/jobs/cancel/", json={"job_ids": [first["id"]]})
    fresh.post("/_stub/drain")
    assert statuses(fresh, later) == ["BLOCKED", "BLOCKED"]
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [first["id"]]})
    fresh.post("/_stub/drain")
    assert job(fresh, first["id"])["status"] == "QUEUED"
    assert statuses(fresh, later) == ["PENDING", "PENDING"]


def test_a_job_canceled_in_the_middle_blocks_only_what_follows(fresh):
    first = min(jobs_by_status(fresh, "COMPLETED"), key=lambda j: j["id"])
    middle, last = chain(fresh, first)
    fresh.post("/v6/jobs/cancel/", json={"job_ids": [middle]})
    fresh.post("/_stub/drain")
    assert statuses(fresh, [first["id"], middle, last]) == ["COMPLETED", "CANCELED", "BLOCKED"]
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [middle]})  # never queued: uncanceled
    fresh.post("/_stub/drain")
    assert statuses(fresh, [middle, last]) == ["PENDING", "PENDING"]


def test_an_uncanceled_job_behind_a_failed_one_stays_blocked(fresh):
    first = early_failed(fresh)
    middle, last = chain(fresh, first)
    fresh.post("/v6/jobs/cancel/", json={"job_ids": [middle]})
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [middle]})
    fresh.post("/_stub/drain")
    assert statuses(fresh, [first["id"], middle, last]) == ["FAILED", "BLOCKED", "BLOCKED"]


def test_when_a_job_ends_the_next_one_is_queued_or_blocked(fresh):
    first = early_failed(fresh)
    following, last = chain(fresh, first)
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [first["id"]]})
    fresh.post("/_stub/drain")
    assert statuses(fresh, [following, last]) == ["PENDING", "PENDING"]
    for _ in range(30):  # a frozen run lasts 2-7 ticks; a retried one starts again
        fresh.post("/_stub/tick")
        if job(fresh, first["id"])["status"] in ("COMPLETED", "FAILED"):
            break
    ended = job(fresh, first["id"])["status"]
    if ended == "COMPLETED":
        # queued, and started at once when a slot is free (the same tick schedules)
        assert statuses(fresh, [following, last]) in (["QUEUED", "PENDING"],
                                                      ["RUNNING", "PENDING"])
        assert job(fresh, following)["num_exes"] == 1
    else:
        assert ended == "FAILED"
        assert statuses(fresh, [following, last]) == ["BLOCKED", "BLOCKED"]


def test_a_job_that_fails_for_good_blocks_the_jobs_after_it(fresh, monkeypatch):
    class Unlucky(random.Random):
        def random(self) -> float:  # the simulator's draws: fail, and with an error not retried
            return 0.99

    first = early_failed(fresh)
    following, last = chain(fresh, first)
    fresh.post("/v6/jobs/requeue/", json={"job_ids": [first["id"]]})
    fresh.post("/_stub/drain")
    monkeypatch.setattr(random, "Random", Unlucky)
    for _ in range(30):
        fresh.post("/_stub/tick")
        if job(fresh, first["id"])["status"] == "FAILED":
            break
    assert job(fresh, first["id"])["status"] == "FAILED"
    assert statuses(fresh, [following, last]) == ["BLOCKED", "BLOCKED"]
