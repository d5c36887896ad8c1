"""What a job's change does to the rest of its recipe (Scale's recipe update messages).

The stub's recipes have no graph: a recipe's jobs form a chain in id order, each job's parent
being the one before it. On that model, as docs/scale.md §6.1 has it:

- a job that fails for good, is canceled or is blocked blocks the never-queued PENDING jobs
  after it (PENDING -> BLOCKED, ``can_be_blocked``);
- a BLOCKED job whose earlier jobs are none of FAILED, CANCELED, BLOCKED any more (one was
  requeued or uncanceled) is PENDING again (``can_be_pending``);
- when a job completes, the next job, if PENDING, never queued, with input and not superseded,
  is queued (``can_be_queued``), as Scale's recipe update queues the jobs whose parents are done.

Seeded recipes are not made to follow these rules; only changes made while the stub runs do.
"""

from __future__ import annotations

from collections.abc import Iterable

_HELD_BACK = "('FAILED', 'CANCELED', 'BLOCKED')"
_EARLIER_HELD_BACK = ("EXISTS (SELECT 1 FROM jobs p WHERE p.recipe_id = jobs.recipe_id "
                      f"AND p.id < jobs.id AND p.status IN {_HELD_BACK})")


def recipes_of(conn, job_ids: Iterable[int]) -> list[int]:
    ids = ",".join(map(str, job_ids))
    if not ids:
        return []
    return [r[0] for r in conn.execute(f"SELECT DISTINCT recipe_id FROM jobs WHERE id IN ({ids}) "
                                       "AND recipe_id IS NOT NULL")]


def block_after(conn, recipe_ids: list[int], now: int) -> int:
    """PENDING -> BLOCKED for never-queued jobs after a failed, canceled or blocked one."""
    if not recipe_ids:
        return 0
    return conn.execute(
        f"UPDATE jobs SET status = 'BLOCKED', last_status_change = ?, last_modified = ? "
        f"WHERE recipe_id IN ({','.join(map(str, recipe_ids))}) AND status = 'PENDING' "
        f"AND num_exes = 0 AND {_EARLIER_HELD_BACK}", (now, now)).rowcount


def unblock(conn, recipe_ids: list[int], now: int) -> int:
    """BLOCKED -> PENDING for jobs that nothing before them holds back any more."""
    if not recipe_ids:
        return 0
    total = 0
    while True:  # one link of the chain per pass: an unblocked job may free the next
        changed = conn.execute(
            f"UPDATE jobs SET status = 'PENDING', last_status_change = ?, last_modified = ? "
            f"WHERE recipe_id IN ({','.join(map(str, recipe_ids))}) AND status = 'BLOCKED' "
            f"AND NOT {_EARLIER_HELD_BACK}", (now, now)).rowcount
        total += changed
        if not changed:
            return total


def queue_next(conn, job_id: int, now: int) -> bool:
    """Queue the job after ``job_id`` in its recipe, if it is waiting for it."""
    row = conn.execute(
        "SELECT n.id FROM jobs j JOIN jobs n ON n.recipe_id = j.recipe_id AND n.id > j.id "
        "WHERE j.id = ? ORDER BY n.id LIMIT 1", (job_id,)).fetchone()
    if row is None:
        return False
    return conn.execute(
        "UPDATE jobs SET status = 'QUEUED', num_exes = 1, queued = ?, started = NULL, "
        "ended = NULL, node_id = NULL, error_id = NULL, last_status_change = ?, "
        "last_modified = ? WHERE id = ? AND status = 'PENDING' AND num_exes = 0 "
        "AND input IS NOT NULL AND is_superseded = 0", (now, now, now, row[0])).rowcount == 1
