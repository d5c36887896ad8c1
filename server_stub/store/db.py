"""The stub's SQLite database: schema, and one connection shared by the server and simulator.

One connection guarded by a lock keeps ``:memory:`` databases visible to every thread and keeps
the simulator's short writes from interleaving with a request's reads. Timestamps are integer
microseconds (``timefmt``) so that ordering and range filters are plain integer comparisons.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY, type TEXT NOT NULL, occurred INTEGER NOT NULL, description TEXT);
CREATE TABLE IF NOT EXISTS recipes (
    id INTEGER PRIMARY KEY, recipe_type_id INTEGER NOT NULL, recipe_type_rev_id INTEGER NOT NULL,
    event_id INTEGER, batch_id INTEGER, created INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS jobs (
    id INTEGER PRIMARY KEY, job_type_id INTEGER NOT NULL, status TEXT NOT NULL,
    event_id INTEGER, ingest_event_id INTEGER, recipe_id INTEGER, batch_id INTEGER,
    is_superseded INTEGER NOT NULL DEFAULT 0, superseded_job_id INTEGER,
    superseded_by_job_id INTEGER, node_id INTEGER, error_id INTEGER,
    max_tries INTEGER NOT NULL, num_exes INTEGER NOT NULL DEFAULT 0, priority INTEGER NOT NULL,
    input_file_size REAL, input_files TEXT NOT NULL DEFAULT '{}', input TEXT, output TEXT,
    configuration TEXT,
    created INTEGER NOT NULL, queued INTEGER, started INTEGER, ended INTEGER,
    last_status_change INTEGER, superseded INTEGER, last_modified INTEGER NOT NULL,
    source_started INTEGER, source_ended INTEGER, source_sensor_class TEXT, source_sensor TEXT,
    source_collection TEXT, source_task TEXT);
CREATE TABLE IF NOT EXISTS executions (
    id INTEGER PRIMARY KEY, job_id INTEGER NOT NULL, exe_num INTEGER NOT NULL,
    status TEXT NOT NULL, cluster_id TEXT, created INTEGER NOT NULL, queued INTEGER,
    started INTEGER, ended INTEGER, node_id INTEGER, error_id INTEGER, exit_code INTEGER,
    timeout INTEGER, input_file_size REAL, seeded_lines INTEGER NOT NULL DEFAULT 0,
    seeded_until INTEGER);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY, file_name TEXT NOT NULL, workspace_id INTEGER NOT NULL,
    media_type TEXT, file_type TEXT, file_size INTEGER, file_path TEXT, created INTEGER,
    data_started INTEGER, data_ended INTEGER, source_started INTEGER, source_ended INTEGER,
    source_sensor_class TEXT, source_sensor TEXT, source_collection TEXT, source_task TEXT,
    last_modified INTEGER, countries TEXT);
CREATE TABLE IF NOT EXISTS job_input_files (
    job_id INTEGER NOT NULL, job_input TEXT NOT NULL, file_id INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS log_lines (
    exe_id INTEGER NOT NULL, ts INTEGER NOT NULL, order_num INTEGER NOT NULL,
    stream TEXT NOT NULL, message TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS commands (
    id INTEGER PRIMARY KEY, kind TEXT NOT NULL, body TEXT NOT NULL, created INTEGER NOT NULL,
    applied INTEGER, error TEXT);
CREATE TABLE IF NOT EXISTS job_counts (status TEXT PRIMARY KEY, n INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS scheduler (
    id INTEGER PRIMARY KEY, is_paused INTEGER NOT NULL DEFAULT 0,
    num_message_handlers INTEGER NOT NULL DEFAULT 1,
    system_logging_level TEXT NOT NULL DEFAULT 'INFO', queue_mode TEXT NOT NULL DEFAULT 'FIFO');
INSERT OR IGNORE INTO scheduler (id) VALUES (1);
"""

# Created after the bulk seed: building an index once is cheaper than maintaining it per row.
INDEXES = """
CREATE INDEX IF NOT EXISTS ix_jobs_lm ON jobs (last_modified, id);
CREATE INDEX IF NOT EXISTS ix_jobs_status_lm ON jobs (status, last_modified, id);
CREATE INDEX IF NOT EXISTS ix_jobs_type_lm ON jobs (job_type_id, last_modified, id);
CREATE INDEX IF NOT EXISTS ix_jobs_created ON jobs (created, id);
CREATE INDEX IF NOT EXISTS ix_jobs_last_status_change ON jobs (last_status_change);
CREATE INDEX IF NOT EXISTS ix_jobs_error ON jobs (error_id);
CREATE INDEX IF NOT EXISTS ix_jobs_batch ON jobs (batch_id);
CREATE INDEX IF NOT EXISTS ix_jobs_recipe ON jobs (recipe_id);
CREATE INDEX IF NOT EXISTS ix_exes_job ON executions (job_id, exe_num);
CREATE INDEX IF NOT EXISTS ix_exes_running ON executions (status) WHERE status = 'RUNNING';
CREATE INDEX IF NOT EXISTS ix_input_files ON job_input_files (job_id);
CREATE INDEX IF NOT EXISTS ix_log_lines ON log_lines (exe_id, ts, order_num);
CREATE INDEX IF NOT EXISTS ix_commands_pending ON commands (id) WHERE applied IS NULL;
"""

# Exact per-status counts, kept by triggers, so the common list queries need no count(*).
# And, as Django's auto_now does for Scale, every change to a job moves its last_modified on:
# (id, last_modified) then names one version of a row, which the list's row cache relies on.
TRIGGERS = """
CREATE TRIGGER IF NOT EXISTS jobs_touch AFTER UPDATE ON jobs
  WHEN NEW.last_modified <= OLD.last_modified BEGIN
  UPDATE jobs SET last_modified = OLD.last_modified + 1 WHERE id = NEW.id;
END;
CREATE TRIGGER IF NOT EXISTS jobs_count_ins AFTER INSERT ON jobs BEGIN
  INSERT INTO job_counts (status, n) VALUES (NEW.status, 1)
    ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
CREATE TRIGGER IF NOT EXISTS jobs_count_del AFTER DELETE ON jobs BEGIN
  UPDATE job_counts SET n = n - 1 WHERE status = OLD.status;
END;
CREATE TRIGGER IF NOT EXISTS jobs_count_upd AFTER UPDATE OF status ON jobs
  WHEN OLD.status <> NEW.status BEGIN
  UPDATE job_counts SET n = n - 1 WHERE status = OLD.status;
  INSERT INTO job_counts (status, n) VALUES (NEW.status, 1)
    ON CONFLICT (status) DO UPDATE SET n = n + 1;
END;
"""


class Database:
    """One sqlite3 connection, a lock, and a generation number that changes on every write."""

    def __init__(self, path: str = ":memory:") -> None:
        self.path = path
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.lock = threading.RLock()
        self.generation = 0
        if path != ":memory:":
            self.conn.execute("PRAGMA journal_mode=WAL")
            self.conn.execute("PRAGMA synchronous=NORMAL")
        self.conn.row_factory = sqlite3.Row
        self.conn.execute("PRAGMA cache_size=-65536")
        self.conn.executescript(SCHEMA)
        columns = {r["name"] for r in self.conn.execute("PRAGMA table_info(commands)")}
        if "error" not in columns:  # a database file written before commands could fail
            self.conn.execute("ALTER TABLE commands ADD COLUMN error TEXT")
        if self.is_seeded():
            # A file seeded by an older stub gets any index added since (built once, here).
            self.conn.executescript(INDEXES)
            self.conn.executescript(TRIGGERS)

    def is_seeded(self) -> bool:
        return self.conn.execute("SELECT 1 FROM meta WHERE key = 'seed'").fetchone() is not None

    @contextmanager
    def bulk_load(self) -> Iterator[None]:
        """Writing a new database in one go (the seed): a rollback journal instead of the WAL,
        whose pages would all be written twice (to the WAL, then at the checkpoint), and no
        fsync. A process killed meanwhile leaves a hot journal: the next open rolls the seed
        back and seeds again. The WAL comes back afterwards."""
        if self.path == ":memory:":
            yield
            return
        with self.lock:
            self.conn.execute("PRAGMA journal_mode=DELETE")
            self.conn.execute("PRAGMA synchronous=OFF")
            try:
                yield
            finally:
                self.conn.execute("PRAGMA journal_mode=WAL")
                self.conn.execute("PRAGMA synchronous=NORMAL")

    def finish_seed(self) -> None:
        with self.lock:
            # Lets SQLite sort each new index with a helper thread (the indexes are ~10 s of
            # CPU at 1,000,000 jobs; on an idle second core some of it overlaps).
            self.conn.execute("PRAGMA threads=2")
            self.conn.executescript(INDEXES)
            self.conn.execute("DELETE FROM job_counts")
            self.conn.execute("INSERT INTO job_counts SELECT status, count(*) FROM jobs "
                              "GROUP BY status")
            self.conn.executescript(TRIGGERS)
            self.conn.execute("ANALYZE")

    @contextmanager
    def read(self) -> Iterator[sqlite3.Connection]:
        with self.lock:
            yield self.conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A transaction; commits on success, rolls back on error, bumps the generation."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield self.conn
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")
            self.generation += 1

    def close(self) -> None:
        with self.lock:
            self.conn.close()
