"""Deterministic, realistic seed data: every status, error category, retries, recipes, batches.

Everything comes from one ``random.Random(seed)``, so a seed always gives the same cluster. Rows
are built in memory and written with ``executemany`` in one transaction; indexes come after.
Log lines of seeded executions are not stored: ``logs.seeded_lines`` derives them on demand.
"""

from __future__ import annotations

import bisect
import itertools
import json
import queue
import random
import threading

from server_stub.sim import failures
from server_stub.store.catalog import BATCHES, NODES, RECIPE_TYPES, Catalog, JobType
from server_stub.store.db import Database
from server_stub.store.logs import seeded_line_count
from server_stub.store.timefmt import US


def _between(rng: random.Random, start: int, stop: int) -> int:
    """``rng.randrange(start, stop)``: the very same draw, without the argument checks that cost
    a seventh of a large seed's time."""
    if stop <= start:
        raise ValueError(f"empty range ({start}, {stop})")
    return start + rng._randbelow(stop - start)


class Mix:
    """Weighted choices. ``rng.choices(weights=...)`` sums the weights on every call (a tenth of
    a 1,000,000-job seed); the same draw from cumulative weights summed once."""

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        self.population = [p[0] for p in pairs]
        self.cumulative = list(itertools.accumulate(p[1] for p in pairs))

    def draw(self, rng: random.Random) -> str:
        return _choose(rng, self.population, self.cumulative)


def _choose(rng: random.Random, population: list, cumulative: list):
    """``rng.choices(population, cum_weights=cumulative)[0]``: the same draw, minus the call's
    list building."""
    return population[bisect.bisect(cumulative, rng.random() * (cumulative[-1] + 0.0), 0,
                                    len(population) - 1)]


HOUR = 3600 * US
# Old jobs are mostly finished; the newest 5% (at most RECENT_CAP) hold the live work.
RECENT_CAP = 100
FINAL_MIX = Mix([("COMPLETED", 950), ("FAILED", 35), ("CANCELED", 15)])
RECENT_MIX = Mix([("RUNNING", 30), ("QUEUED", 25), ("PENDING", 10), ("BLOCKED", 5),
                  ("COMPLETED", 20), ("FAILED", 7), ("CANCELED", 3)])
CATEGORY_MIX = Mix([("SYSTEM", 40), ("ALGORITHM", 45), ("DATA", 15)])
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


_string = json.encoder.encode_basestring_ascii  # what json.dumps does with a str


def _data(files: dict[str, list[int]], values: dict[str, str]) -> str:
    """``json.dumps({"files": files, "json": values})`` for one file id an input, built as text:
    a JSON encoder call per job was a tenth of a large seed's time."""
    return "".join(('{"files": {', ", ".join(f"{_string(k)}: [{v[0]}]" for k, v in files.items()),
                    '}, "json": {', ", ".join(f"{_string(k)}: {_string(v)}"
                                              for k, v in values.items()), "}}"))


def _names(names: dict[str, list[str]]) -> str:
    """``json.dumps(names, separators=(",", ":"))`` for one file name an input."""
    return "{" + ",".join(f"{_string(k)}:[{_string(v[0])}]" for k, v in names.items()) + "}"
_EVENT_DESC = {True: json.dumps({"user": "Anonymous"}), False: json.dumps({"version": "1.0"})}
_COUNTRIES = (json.dumps(["USA"]), json.dumps(["CAN"]))


class Seeder:
    def __init__(self, catalog: Catalog, jobs: int, seed: int, start_us: int,
                 live: bool = False) -> None:
        self.catalog = catalog
        # Live data (simulator on) ends "now" and must look current; frozen data keeps its
        # original shape, which snapshot tests depend on (see README).
        self.live = live
        self.active_types = [t for t in catalog.job_types.values() if t.raw["is_active"]]
        self.n = jobs
        # The newest 5 % hold the live work, but no more than RECENT_CAP jobs: a cluster of 24
        # slots runs a few dozen jobs whether its history holds 2,000 jobs or 1,000,000 (and
        # the simulator would otherwise start with 15,000 executions writing logs each second).
        self.recent_from = max(jobs * 0.95, jobs - RECENT_CAP)
        self.rng = random.Random(seed)
        self.start = start_us
        self.end = start_us + span_for(jobs)
        self.types = list(catalog.job_types.values())
        # Parse jobs dominate a real cluster (one per ingested file).
        self.type_weights = [8 if t.name.endswith("parse") else 3 for t in self.types]
        self.type_cumulative = list(itertools.accumulate(self.type_weights))
        # What a job reads of its type, once per type rather than once per job.
        self.max_tries = {t.id: t.max_tries for t in self.types}
        self.shape = {t.id: (t.file_inputs, [s["name"] for s in t.json_inputs
                                             if s.get("required")],
                             [o["name"] for o in t.output_files]) for t in self.types}
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
        over = max(row["queued"] or 0, row["started"] or 0, row["ended"] or 0,
                   row["last_status_change"] or 0, row["last_modified"] or 0) - self.end
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
        """Generate every job, writing them to ``conn`` a chunk at a time (bounded memory).

        A thread writes each chunk while the next is generated: sqlite3 lets go of the GIL
        while SQLite stores rows, so on two cores the writing costs little wall time.
        """
        writer = ChunkWriter(conn)
        try:
            self._generate(writer)
        finally:
            writer.close()

    def _generate(self, writer: ChunkWriter) -> None:
        for i in range(5):  # a few reference signatures shared by every detector job
            self.signature_files.append(self._file(f"signature_{i:02d}.csv", "text/csv",
                                                   self.start, None))
        recipe = None
        recipe_left = 0
        for i in range(self.n):
            created = self.start + (self.end - self.start) * i // self.n
            created += _between(self.rng, 0, 20 * US)
            if recipe_left == 0 and self.rng.random() < 0.25:
                recipe = self._recipe(created)
                recipe_left = _between(self.rng, 2, 5)
            in_recipe = recipe_left > 0
            recipe_left = max(0, recipe_left - 1)
            self._job(i, created, recipe if in_recipe else None)
            if len(self.jobs) == CHUNK:
                self._supersede()
                writer.put(self._take_chunk())
        self._supersede()
        writer.put(self._take_chunk())

    def _event(self, kind: str, occurred: int) -> int:
        event_id = self._take("event")
        self.events.append((event_id, kind, occurred, _EVENT_DESC[kind == "USER"]))
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
        size = _between(self.rng, 10_000, 4_000_000_000) if media != "text/csv" else 4096
        src = source or (None, None, None, None, None, None)
        self.files.append((file_id, name, 1, media, "SOURCE", size, f"ingest/{name}", created,
                           src[0], src[1], src[0], src[1], src[2], src[3], src[4], src[5],
                           created, _COUNTRIES[self.rng.random() >= .6]))
        return file_id, name, size

    def _status(self, i: int) -> str:
        if i >= self.n - len(ALL_STATUSES):  # the newest jobs cover every status, even at --jobs 10
            return ALL_STATUSES[self.n - 1 - i]
        if i >= self.recent_from:
            return RECENT_MIX.draw(self.rng)
        return FINAL_MIX.draw(self.rng)

    def _job(self, i: int, created: int, recipe: tuple | None) -> None:
        rng = self.rng
        job_id = i + 1
        status = self._status(i)
        jt: JobType = _choose(rng, self.types, self.type_cumulative)
        if self.live and not jt.raw["is_active"] and i > self.n * 0.7:
            # Retired types have no recent jobs: the same name's active version, or another.
            jt = next((t for t in self.active_types if t.name == jt.name),
                      self.active_types[jt.id % len(self.active_types)])
        if (self.live and jt.raw["is_paused"] and i > self.recent_from
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
            s_start = created - _between(rng, 1, 72) * HOUR
            source = (s_start, s_start + _between(rng, 5, 600) * US, *sensor,
                      f"task-{_between(rng, 1, 40):03d}")
        files_in: dict[str, list[int]] = {}
        names_in: dict[str, list[str]] = {}
        size = 0.0
        file_inputs, required_json, _ = self.shape[jt.id]
        row_max_tries = self.max_tries[jt.id]
        for spec in file_inputs:
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
        json_in = {name: f"value-{job_id}" for name in required_json}
        event_id = recipe[3] if recipe else self._event(
            "STRIKE_TRANSFER" if jt.name.endswith("parse") else rng.choice(EVENT_TYPES), created)
        ingest_event_id = self._event("STRIKE", created) if jt.name.endswith("parse") else None
        row = {"id": job_id, "job_type_id": jt.id, "status": status, "event_id": event_id,
               "ingest_event_id": ingest_event_id, "recipe_id": recipe[0] if recipe else None,
               "batch_id": recipe[4] if recipe else None, "max_tries": row_max_tries,
               "priority": jt.configuration["priority"], "created": created,
               "input_file_size": round(size, 2) if status != "PENDING" or files_in else None,
               "input_files": _names(names_in),
               "input": _data(files_in, json_in),
               "source": source}
        first_exe = len(self.exes)
        self._lifecycle(row, jt)
        self._shift_into_past(row, first_exe)
        self.jobs.append(row)

    def _lifecycle(self, row: dict, jt: JobType) -> None:
        """Queue, run, retry and finish the job as Scale would have, creating its executions."""
        rng, status, t = self.rng, row["status"], row["created"]
        max_tries = row["max_tries"]
        row.update(num_exes=0, queued=None, started=None, ended=None, node_id=None,
                   error_id=None, output=None)
        row["last_status_change"] = t
        if status in ("PENDING", "BLOCKED") or (status == "CANCELED" and rng.random() < 0.4):
            row["last_modified"] = t + _between(rng, 1, 30) * US
            row["last_status_change"] = row["last_modified"]
            return
        failed_before = 0
        if status == "FAILED":
            failed_before = _between(rng, 0, max_tries)
        elif status in ("COMPLETED", "RUNNING", "QUEUED") and rng.random() < 0.06:
            failed_before = _between(rng, 1, max_tries)
        final_error = None
        if status == "FAILED":
            final_error = self._final_error(jt, retried=failed_before)
            if final_error.should_be_retried:
                failed_before = max_tries - 1
        attempts = failed_before + (0 if status == "QUEUED" else 1)
        if status == "QUEUED":
            attempts = failed_before  # the newest exe_num has not been scheduled yet
        for exe_num in range(1, attempts + 1):
            last = exe_num == attempts
            queued = t + _between(rng, 1, 10) * US
            started = queued + _between(rng, 2, 60) * US
            dur = _between(rng, 10, 1800) * US
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
            row["queued"] = t + _between(rng, 1, 10) * US
            row.update(started=None, ended=None, node_id=None, error_id=None)
            t = row["queued"]
        if status == "CANCELED":
            row.update(node_id=None, error_id=None, ended=None)  # cancel never sets `ended`
        if status == "COMPLETED":
            outs = {name: [10_000_000 + row["id"] * 4 + k]
                    for k, name in enumerate(self.shape[jt.id][2])}
            row["output"] = _data(outs, {})
        row["last_status_change"] = t
        row["last_modified"] = t + _between(rng, 0, 3) * US

    def _final_error(self, jt: JobType, retried: int):
        errors = self.catalog.errors_for(jt)
        category = self.forced_category or CATEGORY_MIX.draw(self.rng)
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

    def _take_chunk(self) -> tuple[list, ...]:
        """The rows generated since the last chunk, in table order; fresh lists go on."""
        chunk = (self.events, self.recipes, self.files, self.input_links, self.jobs, self.exes)
        self.events, self.recipes, self.files, self.input_links, self.jobs, self.exes = (
            [], [], [], [], [], [])
        return chunk


def write_chunk(conn, chunk: tuple[list, ...]) -> None:
    events, recipes, files, input_links, jobs, exes = chunk
    job_rows = [(r["id"], r["job_type_id"], r["status"], r["event_id"], r["ingest_event_id"],
                 r["recipe_id"], r["batch_id"], r.get("is_superseded", 0),
                 r.get("superseded_job_id"), r.get("superseded_by_job_id"), r["node_id"],
                 r["error_id"], r["max_tries"], r["num_exes"], r["priority"],
                 r["input_file_size"], r["input_files"], r["input"], r["output"], None,
                 r["created"], r["queued"], r["started"], r["ended"],
                 r["last_status_change"], r.get("superseded"), r["last_modified"],
                 *(r["source"] or (None,) * 6)) for r in jobs]
    conn.executemany("INSERT INTO events VALUES (?,?,?,?)", events)
    conn.executemany("INSERT INTO recipes VALUES (?,?,?,?,?,?)", recipes)
    conn.executemany("INSERT INTO files VALUES (" + ",".join("?" * 18) + ")", files)
    conn.executemany("INSERT INTO job_input_files VALUES (?,?,?)", input_links)
    conn.executemany("INSERT INTO jobs VALUES (" + ",".join("?" * 33) + ")", job_rows)
    conn.executemany("INSERT INTO executions VALUES (" + ",".join("?" * 16) + ")", exes)


class ChunkWriter:
    """Writes chunks to ``conn`` from a thread of its own, one at a time, in order.

    At most one chunk waits while another is written (bounded memory). A failed write stops the
    generation at the next ``put`` and is raised again by ``close``.
    """

    def __init__(self, conn) -> None:
        self.conn = conn
        self.chunks: queue.Queue = queue.Queue(maxsize=1)
        self.error: BaseException | None = None
        self.thread = threading.Thread(target=self._write, name="seed-writer", daemon=True)
        self.thread.start()

    def _write(self) -> None:
        while (chunk := self.chunks.get()) is not None:
            if self.error is None:
                try:
                    write_chunk(self.conn, chunk)
                except BaseException as exc:  # handed to the generating thread
                    self.error = exc

    def put(self, chunk: tuple[list, ...]) -> None:
        if self.error is not None:
            raise self.error
        self.chunks.put(chunk)

    def close(self) -> None:
        self.chunks.put(None)
        self.thread.join()
        if self.error is not None:
            raise self.error


def seed_database(db: Database, catalog: Catalog, *, jobs: int, seed: int, start_us: int,
                  live: bool = False) -> None:
    seeder = Seeder(catalog, jobs, seed, start_us, live)
    with db.bulk_load():
        with db.write() as conn:  # one transaction, written in chunks
            seeder.run(conn)
            conn.execute("INSERT INTO meta VALUES ('seed', ?)",
                         (json.dumps({"jobs": jobs, "start": start_us}),))
        db.finish_seed()
