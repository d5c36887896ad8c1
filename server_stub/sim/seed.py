"""Deterministic, realistic seed data: every status, error category, retries, recipes, batches.

Everything comes from one ``random.Random(seed)``, so a seed always gives the same cluster. Rows
are built in memory and written with ``executemany`` in one transaction; indexes come after.
Log lines of seeded executions are not stored: ``logs.seeded_lines`` derives them on demand.
"""

from __future__ import annotations

import itertools
import json
import random

from server_stub.sim import failures
from server_stub.store.catalog import BATCHES, NODES, RECIPE_TYPES, Catalog, JobType
from server_stub.store.db import Database
from server_stub.store.logs import seeded_line_count
from server_stub.store.timefmt import US

HOUR = 3600 * US
# Old jobs are mostly finished; the newest 5% hold the live work.
FINAL_MIX = [("COMPLETED", 950), ("FAILED", 35), ("CANCELED", 15)]
RECENT_MIX = [("RUNNING", 30), ("QUEUED", 25), ("PENDING", 10), ("BLOCKED", 5),
              ("COMPLETED", 20), ("FAILED", 7), ("CANCELED", 3)]
ALL_STATUSES = ["COMPLETED", "FAILED", "CANCELED", "BLOCKED", "PENDING", "QUEUED", "RUNNING"]
SENSORS = [("L8", "OLI_TIRS", "LC08_L1TP"), ("WV2", "WV110", "WV2_ORTHO"),
           ("S2", "MSI", "S2A_MSIL1C"), ("MODIS", "TERRA", "MOD09GA")]
EVENT_TYPES = ["STRIKE_TRANSFER", "PARSE", "USER", "SCAN"]
CHUNK = 50_000  # jobs generated in memory before they are written
FORCED_FAILURES = [("DATA", "landsat8-parse"), ("SYSTEM", None), ("ALGORITHM", "landsat8-parse"),
                   ("ALGORITHM", None)]


def span_for(jobs: int) -> int:
    """How far back the seeded history reaches: about 30 s per job, 6 h to 60 days."""
    return max(6 * HOUR, min(jobs * 30 * US, 60 * 24 * HOUR))


def _weighted(rng: random.Random, mix: list[tuple[str, int]]) -> str:
    return rng.choices([m[0] for m in mix], weights=[m[1] for m in mix])[0]


class Seeder:
    def __init__(self, catalog: Catalog, jobs: int, seed: int, start_us: int,
                 live: bool = False) -> None:
        self.catalog = catalog
        # Live data (simulator on) ends "now" and must look current; frozen data keeps its
        # original shape, which snapshot tests depend on (see README).
        self.live = live
        self.active_types = [t for t in catalog.job_types.values() if t.raw["is_active"]]
        self.n = jobs
        self.rng = random.Random(seed)
        self.start = start_us
        self.end = start_us + span_for(jobs)
        self.types = list(catalog.job_types.values())
        # Parse jobs dominate a real cluster (one per ingested file).
        self.type_weights = [8 if t.name.endswith("parse") else 3 for t in self.types]
        self.jobs: list[list] = []
        self.exes: list[tuple] = []
        self.events: list[tuple] = []
        self.recipes: list[tuple] = []
        self.files: list[tuple] = []
        self.input_links: list[tuple] = []
        self.signature_files: list[tuple[int, str, int]] = []
        self.next_id = {"event": 1, "recipe": 1, "file": 1, "exe": 1}
        self.failures_forced = 0
        self.forced_category: str | None = None
        self.retry_errors = [e for e in catalog.errors.values()
                             if e.is_builtin and e.should_be_retried]
        # Which error and node a failure shows (sim/failures.py) come from a stream of their
        # own, so that every other draw, and so every job's status and times, stay as they were.
        self.bias = random.Random(f"failures-{seed}")


    def _shift_into_past(self, row: dict, first_exe: int) -> None:
        """Move a job whose story would end after the end of history ("now" when live) back so
        that it ends by then, with its executions."""
        times = [row[k] for k in ("queued", "started", "ended", "last_status_change",
                                  "last_modified") if row[k] is not None]
        over = max(times, default=0) - self.end
        if over <= 0:
            return
        over += (row["id"] % 50 + 1) * US  # not every such job ends at the same instant
        for key in ("created", "queued", "started", "ended", "last_status_change",
                    "last_modified"):
            if row[key] is not None:
                row[key] -= over
        for n in range(first_exe, len(self.exes)):
            exe = list(self.exes[n])
            for k in (5, 6, 7, 8, 15):  # created, queued, started, ended, seeded_until
                if exe[k] is not None:
                    exe[k] -= over
            self.exes[n] = tuple(exe)

    def _take(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] = value + 1
        return value

    def run(self, conn) -> None:
        """Generate every job, writing them to ``conn`` a chunk at a time (bounded memory)."""
        for i in range(5):  # a few reference signatures shared by every detector job
            self.signature_files.append(self._file(f"signature_{i:02d}.csv", "text/csv",
                                                   self.start, None))
        recipe = None
        recipe_left = 0
        for i in range(self.n):
            created = self.start + (self.end - self.start) * i // self.n
            created += self.rng.randrange(0, 20 * US)
            if recipe_left == 0 and self.rng.random() < 0.25:
                recipe = self._recipe(created)
                recipe_left = self.rng.randint(2, 4)
            in_recipe = recipe_left > 0
            recipe_left = max(0, recipe_left - 1)
            self._job(i, created, recipe if in_recipe else None)
            if len(self.jobs) == CHUNK:
                self._supersede()
                self.flush(conn)
        self._supersede()
        self.flush(conn)

    def _event(self, kind: str, occurred: int) -> int:
        event_id = self._take("event")
        desc = {"user": "Anonymous"} if kind == "USER" else {"version": "1.0"}
        self.events.append((event_id, kind, occurred, json.dumps(desc)))
        return event_id

    def _recipe(self, created: int) -> tuple:
        recipe_id = self._take("recipe")
        rtype = self.rng.choice(RECIPE_TYPES)
        batch = self.rng.choice(BATCHES)["id"] if self.rng.random() < 0.15 else None
        event_id = self._event("PARSE", created)
        row = (recipe_id, rtype["id"], rtype["id"] * 10 + rtype["revision_num"], event_id,
               batch, created)
        self.recipes.append(row)
        return row

    def _file(self, name: str, media: str, created: int,
              source: tuple | None) -> tuple[int, str, int]:
        file_id = self._take("file")
        size = self.rng.randrange(10_000, 4_000_000_000) if media != "text/csv" else 4096
        src = source or (None, None, None, None, None, None)
        self.files.append((file_id, name, 1, media, "SOURCE", size, f"ingest/{name}", created,
                           src[0], src[1], src[0], src[1], src[2], src[3], src[4], src[5],
                           created, json.dumps(["USA"] if self.rng.random() < .6 else ["CAN"])))
        return file_id, name, size

    def _status(self, i: int) -> str:
        if i >= self.n - len(ALL_STATUSES):  # the newest jobs cover every status, even at --jobs 10
            return ALL_STATUSES[self.n - 1 - i]
        if i >= self.n * 0.95:
            return _weighted(self.rng, RECENT_MIX)
        return _weighted(self.rng, FINAL_MIX)

    def _job(self, i: int, created: int, recipe: tuple | None) -> None:
        rng = self.rng
        job_id = i + 1
        status = self._status(i)
        jt: JobType = rng.choices(self.types, weights=self.type_weights)[0]
        if self.live and not jt.raw["is_active"] and i > self.n * 0.7:
            # Retired types have no recent jobs: the same name's active version, or another.
            jt = next((t for t in self.active_types if t.name == jt.name),
                      self.active_types[jt.id % len(self.active_types)])
        if (self.live and jt.raw["is_paused"] and i > self.n * 0.95
                and i < self.n - len(ALL_STATUSES) and status in ("RUNNING", "COMPLETED")):
            status = "QUEUED"  # a paused type's recent jobs wait in the queue (it was paused)
        self.forced_category = None
        if status == "FAILED" and self.failures_forced < len(FORCED_FAILURES):
            # The first failures cover every error category, even in a tiny seed.
            self.forced_category, type_name = FORCED_FAILURES[self.failures_forced]
            self.failures_forced += 1
            if type_name:
                jt = self.catalog.find_type(type_name, "1.0.0") or jt
        if status in ("PENDING", "BLOCKED") and recipe is None:
            recipe = self._recipe(created)
        sensor = rng.choice(SENSORS) if rng.random() < 0.7 else None
        source = None
        if sensor:
            s_start = created - rng.randrange(1, 72) * HOUR
            source = (s_start, s_start + rng.randrange(5, 600) * US, *sensor,
                      f"task-{rng.randrange(1, 40):03d}")
        files_in: dict[str, list[int]] = {}
        names_in: dict[str, list[str]] = {}
        size = 0.0
        for spec in jt.file_inputs:
            if spec["name"] == "signature":
                fid, fname, fsize = rng.choice(self.signature_files)
            else:
                media = (spec.get("mediaTypes") or ["application/octet-stream"])[0]
                fname = f"{(sensor or ('SCN',))[0]}_{job_id:07d}_{spec['name']}.dat"
                fid, fname, fsize = self._file(fname, media, created - US, source)
            files_in[spec["name"]] = [fid]
            names_in[spec["name"]] = [fname]
            size += fsize / (1024 * 1024)
            self.input_links.append((job_id, spec["name"], fid))
        json_in = {s["name"]: f"value-{job_id}" for s in jt.json_inputs if s.get("required")}
        event_id = recipe[3] if recipe else self._event(
            "STRIKE_TRANSFER" if jt.name.endswith("parse") else rng.choice(EVENT_TYPES), created)
        ingest_event_id = self._event("STRIKE", created) if jt.name.endswith("parse") else None
        row = {"id": job_id, "job_type_id": jt.id, "status": status, "event_id": event_id,
               "ingest_event_id": ingest_event_id, "recipe_id": recipe[0] if recipe else None,
               "batch_id": recipe[4] if recipe else None, "max_tries": jt.max_tries,
               "priority": jt.configuration["priority"], "created": created,
               "input_file_size": round(size, 2) if status != "PENDING" or files_in else None,
               "input_files": json.dumps(names_in, separators=(",", ":")),
               "input": json.dumps({"files": files_in, "json": json_in}),
               "source": source}
        first_exe = len(self.exes)
        self._lifecycle(row, jt)
        self._shift_into_past(row, first_exe)
        self.jobs.append(row)

    def _lifecycle(self, row: dict, jt: JobType) -> None:
        """Queue, run, retry and finish the job as Scale would have, creating its executions."""
        rng, status, t = self.rng, row["status"], row["created"]
        row.update(num_exes=0, queued=None, started=None, ended=None, node_id=None,
                   error_id=None, output=None)
        row["last_status_change"] = t
        if status in ("PENDING", "BLOCKED") or (status == "CANCELED" and rng.random() < 0.4):
            row["last_modified"] = t + rng.randrange(1, 30) * US
            row["last_status_change"] = row["last_modified"]
            return
        failed_before = 0
        if status == "FAILED":
            failed_before = rng.randrange(0, jt.max_tries)
        elif status in ("COMPLETED", "RUNNING", "QUEUED") and rng.random() < 0.06:
            failed_before = rng.randrange(1, jt.max_tries)
        final_error = None
        if status == "FAILED":
            final_error = self._final_error(jt, retried=failed_before)
            if final_error.should_be_retried:
                failed_before = jt.max_tries - 1
        attempts = failed_before + (0 if status == "QUEUED" else 1)
        if status == "QUEUED":
            attempts = failed_before  # the newest exe_num has not been scheduled yet
        for exe_num in range(1, attempts + 1):
            last = exe_num == attempts
            queued = t + rng.randrange(1, 10) * US
            started = queued + rng.randrange(2, 60) * US
            dur = rng.randrange(10, 1800) * US
            ended = started + dur
            node = rng.choice(NODES)["id"]
            if not last or status == "QUEUED":
                drawn = rng.choice(self.retry_errors)
                exe_status, err = "FAILED", failures.like(self.bias, drawn, self.retry_errors,
                                                          jt.name)
            elif status == "COMPLETED":
                exe_status, err = "COMPLETED", None
            elif status == "FAILED":
                exe_status, err = "FAILED", final_error
            elif status == "CANCELED":
                exe_status, err = "CANCELED", None
            else:
                exe_status, err, ended = "RUNNING", None, None
            if exe_status == "FAILED":
                node = failures.seed_node(self.bias, err, node)
            exit_code = {"COMPLETED": 0, "RUNNING": None}.get(exe_status, 1)
            if err and err.job_type_name:
                exit_code = int(err.name.rsplit("-", 1)[-1]) if err.name[-1].isdigit() else 1
            elif err and err.category == "SYSTEM":
                exit_code = None if err.name.startswith(("pull", "task-launch")) else 137
            exe_id = self._take("exe")
            lines = seeded_line_count(exe_id)
            self.exes.append((exe_id, row["id"], exe_num, exe_status,
                              f"scale_job_{exe_id:04d}_{row['id']:x}x{exe_num}",
                              queued, queued, started, ended, node, err.id if err else None,
                              exit_code, jt.timeout, row["input_file_size"], lines,
                              ended if ended is not None else self.end))
            row.update(num_exes=exe_num, queued=queued, started=started, ended=ended,
                       node_id=node, error_id=err.id if err else None)
            t = ended if ended is not None else started
        if status == "QUEUED":
            row["num_exes"] = attempts + 1
            row["queued"] = t + rng.randrange(1, 10) * US
            row.update(started=None, ended=None, node_id=None, error_id=None)
            t = row["queued"]
        if status == "CANCELED":
            row.update(node_id=None, error_id=None, ended=None)  # cancel never sets `ended`
        if status == "COMPLETED":
            outs = {o["name"]: [10_000_000 + row["id"] * 4 + k]
                    for k, o in enumerate(jt.output_files)}
            row["output"] = json.dumps({"files": outs, "json": {}})
        row["last_status_change"] = t
        row["last_modified"] = t + rng.randrange(0, 3) * US

    def _final_error(self, jt: JobType, retried: int):
        errors = self.catalog.errors_for(jt)
        category = self.forced_category or _weighted(
            self.rng, [("SYSTEM", 40), ("ALGORITHM", 45), ("DATA", 15)])
        pool = [e for e in errors if e.category == category] or errors
        if self.forced_category == "ALGORITHM" and jt.name == "landsat8-parse":
            pool = [e for e in pool if e.job_type_name] or pool  # an algorithm-specific one
        return failures.like(self.bias, self.rng.choice(pool), pool, jt.name)

    def _supersede(self) -> None:
        """Reprocessed recipes leave superseded chains: old job -> superseded_by -> new job."""
        by_recipe_type: dict[int, list[dict]] = {}
        for row in self.jobs:
            if row["recipe_id"] and row["status"] in ("COMPLETED", "FAILED"):
                by_recipe_type.setdefault(row["job_type_id"], []).append(row)
        for rows in by_recipe_type.values():
            for old, new in itertools.pairwise(rows):
                if self.rng.random() < 0.04 and not old.get("superseded_by_job_id") \
                        and not new.get("superseded_job_id") and old["id"] < new["id"]:
                    old["is_superseded"] = 1
                    old["superseded"] = new["created"]
                    old["superseded_by_job_id"] = new["id"]
                    old["last_modified"] = max(old["last_modified"], new["created"])
                    new["superseded_job_id"] = old["id"]

    def flush(self, conn) -> None:
        job_rows = [(r["id"], r["job_type_id"], r["status"], r["event_id"], r["ingest_event_id"],
                     r["recipe_id"], r["batch_id"], r.get("is_superseded", 0),
                     r.get("superseded_job_id"), r.get("superseded_by_job_id"), r["node_id"],
                     r["error_id"], r["max_tries"], r["num_exes"], r["priority"],
                     r["input_file_size"], r["input_files"], r["input"], r["output"], None,
                     r["created"], r["queued"], r["started"], r["ended"],
                     r["last_status_change"], r.get("superseded"), r["last_modified"],
                     *(r["source"] or (None,) * 6)) for r in self.jobs]
        conn.executemany("INSERT INTO events VALUES (?,?,?,?)", self.events)
        conn.executemany("INSERT INTO recipes VALUES (?,?,?,?,?,?)", self.recipes)
        conn.executemany("INSERT INTO files VALUES (" + ",".join("?" * 18) + ")", self.files)
        conn.executemany("INSERT INTO job_input_files VALUES (?,?,?)", self.input_links)
        conn.executemany("INSERT INTO jobs VALUES (" + ",".join("?" * 33) + ")", job_rows)
        conn.executemany("INSERT INTO executions VALUES (" + ",".join("?" * 16) + ")",
                         self.exes)
        for rows in (self.events, self.recipes, self.files, self.input_links, self.jobs,
                     self.exes):
            rows.clear()


def seed_database(db: Database, catalog: Catalog, *, jobs: int, seed: int, start_us: int,
                  live: bool = False) -> None:
    seeder = Seeder(catalog, jobs, seed, start_us, live)
    with db.write() as conn:  # one transaction, written in chunks
        seeder.run(conn)
        conn.execute("INSERT INTO meta VALUES ('seed', ?)",
                     (json.dumps({"jobs": jobs, "start": start_us}),))
    db.finish_seed()
