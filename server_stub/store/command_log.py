"""Cancel and requeue: recorded durably with the 202, applied afterwards as Scale's messages are.

``record`` writes the command row in the transaction that decides to answer 202; the
``CommandApplier`` thread applies rows in order, each in its own transaction that also marks it
applied. On start it applies whatever an earlier process accepted but never applied.

A command that fails to apply is rolled back, marked applied with its ``error``, and skipped:
one bad message never stops the ones after it (Scale's ``messaging`` backend acknowledges or
requeues each message on its own; ``messaging/manager.py`` ``CommandMessageManager``).
"""

from __future__ import annotations

import json
import logging
import threading

from server_stub.store import recipes
from server_stub.store.catalog import BATCH_PRIORITY, Catalog
from server_stub.store.db import Database
from server_stub.store.jobquery import JobQuery
from server_stub.store.timefmt import now_us

FINAL_EXE = "CANCELED"
log = logging.getLogger("server_stub")


def record(db: Database, kind: str, q: JobQuery, priority: int | None = None) -> int:
    body = {"where": q.where, "args": q.args, "priority": priority}
    with db.write() as conn:
        cur = conn.execute("INSERT INTO commands (kind, body, created) VALUES (?, ?, ?)",
                           (kind, json.dumps(body), now_us()))
        return cur.lastrowid


def _matching(conn, body: dict, extra: str) -> list:
    where = " AND ".join([*body["where"], extra]) if body["where"] else extra
    # Scale walks the matches by descending id in batches; one pass is the same end state.
    return conn.execute(f"SELECT id, status, num_exes, job_type_id, batch_id, configuration, "
                        f"priority FROM jobs WHERE {where} ORDER BY id DESC",
                        body["args"]).fetchall()


def _end_running_executions(conn, job_ids: list[int], now: int) -> None:
    """The scheduler kills an execution whose job was canceled or got a newer exe_num."""
    for chunk in _chunks(job_ids):
        conn.execute(f"UPDATE executions SET status = 'CANCELED', ended = ? WHERE status = "
                     f"'RUNNING' AND job_id IN ({','.join(map(str, chunk))})", (now,))


def _chunks(ids: list[int], size: int = 900):
    for i in range(0, len(ids), size):
        yield ids[i:i + size]


def apply_cancel(conn, body: dict, now: int) -> int:
    rows = _matching(conn, body, "status NOT IN ('CANCELED', 'COMPLETED')")
    ids = [r["id"] for r in rows]
    for chunk in _chunks(ids):
        # Scale's cancel clears error and node and leaves `ended` alone.
        conn.execute(f"UPDATE jobs SET status = 'CANCELED', error_id = NULL, node_id = NULL, "
                     f"last_status_change = ?, last_modified = ? "
                     f"WHERE id IN ({','.join(map(str, chunk))})", (now, now))
    _end_running_executions(conn, ids, now)
    recipes.block_after(conn, recipes.recipes_of(conn, ids), now)
    return len(ids)


def apply_requeue(conn, catalog: Catalog, body: dict, now: int) -> int:
    requeue = _matching(conn, body, "status <> 'COMPLETED' AND input IS NOT NULL AND "
                                    "num_exes > 0 AND is_superseded = 0")
    uncancel = _matching(conn, body, "status = 'CANCELED' AND num_exes = 0")
    given = body.get("priority")
    updates = []
    for r in requeue:
        jt = catalog.job_types[r["job_type_id"]]
        # Scale's order: a truthy priority in the request, the batch's, the job's configuration.
        priority = (given or BATCH_PRIORITY.get(r["batch_id"])
                    or (json.loads(r["configuration"]).get("priority")
                        if r["configuration"] else None) or jt.configuration["priority"])
        updates.append((r["num_exes"] + jt.max_tries, priority, now, now, now, r["id"]))
    conn.executemany("UPDATE jobs SET status = 'QUEUED', max_tries = ?, priority = ?, "
                     "node_id = NULL, error_id = NULL, queued = ?, started = NULL, ended = NULL, "
                     "num_exes = num_exes + 1, last_status_change = ?, last_modified = ? "
                     "WHERE id = ?", updates)
    _end_running_executions(conn, [r["id"] for r in requeue], now)
    conn.executemany("UPDATE jobs SET status = 'PENDING', last_status_change = ?, "
                     "last_modified = ? WHERE id = ?", [(now, now, r["id"]) for r in uncancel])
    touched = recipes.recipes_of(conn, [r["id"] for r in (*requeue, *uncancel)])
    recipes.unblock(conn, touched, now)
    recipes.block_after(conn, touched, now)  # an uncanceled job an earlier one still holds back
    return len(requeue) + len(uncancel)


class CommandApplier:
    """Applies recorded commands in order on its own thread; ``drain`` applies them now."""

    def __init__(self, db: Database, catalog: Catalog) -> None:
        self.db = db
        self.catalog = catalog
        self.wake = threading.Event()
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self._apply_lock = threading.Lock()

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="stub-commands", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        self.wake.set()
        if self.thread:
            self.thread.join(timeout=5)

    def notify(self) -> None:
        self.wake.set()

    def _run(self) -> None:
        while not self.stopping.is_set():
            self.drain()
            self.wake.wait(timeout=1.0)
            self.wake.clear()

    def drain(self) -> int:
        """Apply every pending command; returns how many were applied (failed ones included)."""
        applied = 0
        with self._apply_lock:
            while True:
                with self.db.read() as conn:
                    row = conn.execute("SELECT id, kind, body FROM commands WHERE applied IS NULL "
                                       "ORDER BY id LIMIT 1").fetchone()
                if row is None:
                    return applied
                try:
                    self._apply(row)
                except Exception as exc:  # any failure: record it, skip it, go on
                    log.warning("command %s (%s) failed: %r", row["id"], row["kind"], exc)
                    with self.db.write() as conn:
                        conn.execute("UPDATE commands SET applied = ?, error = ? WHERE id = ?",
                                     (now_us(), f"{type(exc).__name__}: {exc}", row["id"]))
                applied += 1

    def _apply(self, row) -> None:
        body = json.loads(row["body"])
        with self.db.write() as conn:
            now = now_us()
            if row["kind"] == "cancel":
                apply_cancel(conn, body, now)
            elif row["kind"] == "requeue":
                apply_requeue(conn, self.catalog, body, now)
            else:
                raise ValueError(f"unknown command kind {row['kind']!r}")
            conn.execute("UPDATE commands SET applied = ? WHERE id = ?", (now, row["id"]))


def outcome(db: Database, command_id: int) -> dict:
    """What became of one command: ``PENDING``, ``APPLIED`` or ``FAILED`` (with the error)."""
    with db.read() as conn:
        row = conn.execute("SELECT kind, applied, error FROM commands WHERE id = ?",
                           (command_id,)).fetchone()
    if row is None:
        return {"id": command_id, "status": "UNKNOWN"}
    status = "PENDING" if row["applied"] is None else "FAILED" if row["error"] else "APPLIED"
    out = {"id": command_id, "kind": row["kind"], "status": status}
    if row["error"]:
        out["error"] = row["error"]
    return out


def failed_count(db: Database) -> int:
    with db.read() as conn:
        return conn.execute("SELECT count(*) FROM commands WHERE error IS NOT NULL").fetchone()[0]
