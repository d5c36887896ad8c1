"""A small scheduler: queued jobs start, running executions write logs and end, failures retry.

``step()`` is one scheduling round in one short transaction. With ``simulate=True`` a thread
runs a step every second and new jobs keep arriving; with it off, ``POST /_stub/tick`` runs
exactly one step, so tests can drive the state machine without waiting on the clock.
"""

from __future__ import annotations

import json
import random
import threading

from server_stub.sim import failures
from server_stub.store import logs, logtext, recipes, scheduler
from server_stub.store.catalog import NODES, Catalog
from server_stub.store.db import Database
from server_stub.store.timefmt import now_us

NODE_SLOTS = 2  # executions a node runs at once
SLOTS = len(NODES) * NODE_SLOTS


class Simulator:
    def __init__(self, db: Database, catalog: Catalog, seed: int, interval: float = 1.0,
                 live: bool = False):
        self.db = db
        # Live (the demo): runs last 20 s to 3 min of wall time. Ticked (tests): 2-7 steps.
        self.live = live
        self.catalog = catalog
        self.seed = seed
        self.interval = interval
        self.steps = 0
        self.ticks_run: dict[int, int] = {}  # execution id -> steps it has been running
        self.lines_written: dict[int, int] = {}
        self.stopping = threading.Event()
        self.thread: threading.Thread | None = None
        self.retry_errors = [e for e in catalog.errors.values()
                             if e.is_builtin and e.should_be_retried]
        self.own_errors: dict[int, list] = {}

    def start(self) -> None:
        self.thread = threading.Thread(target=self._run, name="stub-simulator", daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.stopping.set()
        if self.thread:
            self.thread.join(timeout=5)

    def _run(self) -> None:
        while not self.stopping.wait(self.interval):
            self.step(arrivals=True)

    def step(self, arrivals: bool = False) -> dict:
        changes = {"started": 0, "completed": 0, "failed": 0, "retried": 0, "queued_new": 0,
                   "log_lines": 0}
        # The write lock also serialises steps: the timer thread and /_stub/tick may overlap.
        with self.db.write() as conn:
            self.steps += 1
            rng = random.Random(self.seed * 1_000_003 + self.steps)
            now = now_us()
            self._finish_or_log(conn, rng, now, changes)
            self._schedule(conn, rng, now, changes)
            if arrivals and rng.random() < 0.2:  # about what 24 slots of ~100 s runs keep up with
                self._arrive(conn, rng, now, changes)
        return changes

    def _schedule(self, conn, rng: random.Random, now: int, changes: dict) -> None:
        settings = scheduler.read(conn)
        if settings.is_paused:
            # Scale declines every resource offer while paused (scale_scheduler.py); running
            # executions go on (scheduler/manager.py: "Existing jobs will continue to run").
            return
        running = dict(conn.execute("SELECT node_id, count(*) FROM executions "
                                    "WHERE status = 'RUNNING' GROUP BY node_id").fetchall())
        nodes = [n["id"] for n in NODES]
        # Each node takes work while it has a free slot, as Scale's offers work: a node whose
        # runs end fast (sim/failures.py's bad node) frees first and draws more than its share.
        open_slots = [max(0, NODE_SLOTS - running.get(n, 0)) for n in nodes]
        free = sum(open_slots)
        if not free:
            return
        paused = [jt.id for jt in self.catalog.job_types.values() if jt.raw["is_paused"]]
        rows = conn.execute(
            "SELECT id, job_type_id, num_exes, input_file_size, queued, (SELECT x.node_id FROM "
            "executions x WHERE x.job_id = jobs.id AND x.exe_num = jobs.num_exes - 1 AND "
            "x.status = 'FAILED') AS failed_on FROM jobs WHERE status = 'QUEUED' "
            f"AND job_type_id NOT IN ({','.join(map(str, paused))}) "
            f"ORDER BY {settings.queue_order} LIMIT ?", (free,)).fetchall()
        for job in rows:
            at = failures.retry_node(rng, job["failed_on"], nodes, open_slots)
            if at is None:
                at = rng.choices(range(len(nodes)), weights=open_slots)[0]
            open_slots[at] -= 1
            node = nodes[at]
            exe_id = (conn.execute("SELECT coalesce(max(id), 0) FROM executions").fetchone()[0]
                      + 1)
            jt = self.catalog.job_types[job["job_type_id"]]
            conn.execute(
                "INSERT INTO executions (id, job_id, exe_num, status, cluster_id, created, queued,"
                " started, node_id, timeout, input_file_size) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (exe_id, job["id"], job["num_exes"], "RUNNING",
                 # queue/job_exe.py QueuedJobExecution: job_exe.queued = the queue's queued
                 f"scale_job_{exe_id:04d}_{job['id']:x}x{job['num_exes']}", now,
                 job["queued"] or now, now, node,
                 jt.timeout, job["input_file_size"]))
            conn.execute("UPDATE jobs SET status = 'RUNNING', node_id = ?, started = ?, "
                         "last_status_change = ?, last_modified = ? WHERE id = ?",
                         (node, now, now, now, job["id"]))
            changes["started"] += 1

    def _finish_or_log(self, conn, rng: random.Random, now: int, changes: dict) -> None:
        exes = conn.execute(
            "SELECT e.id, e.job_id, e.exe_num, e.started, e.node_id, j.job_type_id, j.num_exes, "
            "j.max_tries, j.is_superseded FROM executions e JOIN jobs j ON j.id = e.job_id "
            "WHERE e.status = 'RUNNING' ORDER BY e.id").fetchall()
        for exe in exes:
            ran = self.ticks_run.get(exe["id"], 0) + 1
            self.ticks_run[exe["id"]] = ran
            spread = (exe["id"] * 2654435761 >> 7) % 1000
            fast = exe["node_id"] == failures.BAD_NODE  # its containers die within seconds
            if self.live:
                seconds = 3 + spread % 8 if fast else 20 + spread % 160
                running = (now - exe["started"]) < seconds * 1_000_000
            else:
                running = not fast and ran < 2 + spread % 6
            if running:
                self._write_lines(conn, exe["id"], rng, now, changes)
                continue
            self.ticks_run.pop(exe["id"], None)
            jt = self.catalog.job_types[exe["job_type_id"]]
            error = failures.live_failure(rng, exe["node_id"], jt.name, self.retry_errors,
                                          self._own_errors(jt))
            if error is None:
                self._complete(conn, exe, now)
                changes["completed"] += 1
            else:
                retried = self._fail(conn, exe, error, now)
                changes["retried" if retried else "failed"] += 1

    def _write_lines(self, conn, exe_id: int, rng: random.Random, now: int, changes) -> None:
        written = self.lines_written.get(exe_id, 0)
        n = rng.randint(1, 6)
        ts_ms = now // 1000
        rows = []
        for k in range(n):
            stream, message = logtext.live_line(exe_id, written + k)
            rows.append((ts_ms, (now % 1_000_000) * 1000 + k, stream, message))
        logs.append(conn, exe_id, rows)
        self.lines_written[exe_id] = written + n
        changes["log_lines"] += n

    def _complete(self, conn, exe, now: int) -> None:
        jt = self.catalog.job_types[exe["job_type_id"]]
        outs = {o["name"]: [20_000_000 + exe["id"] * 4 + k]
                for k, o in enumerate(jt.output_files)}
        conn.execute("UPDATE executions SET status = 'COMPLETED', ended = ?, exit_code = 0 "
                     "WHERE id = ?", (now, exe["id"]))
        conn.execute("UPDATE jobs SET status = 'COMPLETED', ended = ?, output = ?, "
                     "last_status_change = ?, last_modified = ? WHERE id = ? AND num_exes = ?",
                     (now, json.dumps({"files": outs, "json": {}}), now, now, exe["job_id"],
                      exe["exe_num"]))
        recipes.queue_next(conn, exe["job_id"], now)

    def _own_errors(self, jt) -> list:
        """The errors of ``jt`` that Scale does not retry (its algorithm's, mostly)."""
        own = self.own_errors.get(jt.id)
        if own is None:
            own = self.own_errors[jt.id] = [e for e in self.catalog.errors_for(jt)
                                            if not e.should_be_retried]
        return own

    def _fail(self, conn, exe, error, now: int) -> bool:
        code = 137 if error.category == "SYSTEM" else 1
        conn.execute("UPDATE executions SET status = 'FAILED', ended = ?, error_id = ?, "
                     "exit_code = ? WHERE id = ?", (now, error.id, code, exe["id"]))
        retry = (error.should_be_retried and exe["num_exes"] < exe["max_tries"]
                 and not exe["is_superseded"])
        if retry:  # Scale's failed_jobs message re-queues at once
            conn.execute("UPDATE jobs SET status = 'QUEUED', num_exes = num_exes + 1, queued = ?,"
                         " started = NULL, ended = NULL, node_id = NULL, error_id = NULL, "
                         "last_status_change = ?, last_modified = ? WHERE id = ? AND num_exes = ?",
                         (now, now, now, exe["job_id"], exe["exe_num"]))
        else:
            conn.execute("UPDATE jobs SET status = 'FAILED', error_id = ?, ended = ?, "
                         "last_status_change = ?, last_modified = ? WHERE id = ? "
                         "AND num_exes = ?", (error.id, now, now, now, exe["job_id"],
                                              exe["exe_num"]))
            recipes.block_after(conn, recipes.recipes_of(conn, [exe["job_id"]]), now)
        return retry

    def _arrive(self, conn, rng: random.Random, now: int, changes: dict) -> None:
        """A new ingest arrives: a parse job is queued, as a Strike would do."""
        from server_stub.store.queueing import insert_job

        active = [jt for jt in self.catalog.job_types.values()
                  if jt.raw["is_active"] and not jt.raw["is_paused"]]
        # Parse jobs dominate, as in the seed (seed.Seeder.type_weights).
        jt = rng.choices(active, weights=[8 if t.name.endswith("parse") else 3
                                          for t in active])[0]
        files = {}
        last_file = conn.execute("SELECT coalesce(max(id), 0) FROM files").fetchone()[0]
        for spec in jt.file_inputs:
            if last_file:
                files[spec["name"]] = [rng.randint(1, last_file)]
        insert_job(conn, jt, {"files": files, "json": {}}, None, now,
                   "STRIKE_TRANSFER" if jt.name.endswith("parse") else "USER")
        changes["queued_new"] += 1
