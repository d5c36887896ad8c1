"""Deterministic, realistic seed data: every status, error category, retries, recipes, batches.

Everything comes from one ``random.Random(seed)``, so a seed always gives the same cluster. Rows
are built in memory and written with ``executemany`` in one transaction; indexes come after.
Log lines of seeded executions are not stored: ``logs.seeded_lines`` derives them on demand.
"""

from __future__ import annotations

import bisect
import functools
import gc
import itertools
import json
import queue
import random
import re
import threading
from typing import NamedTuple

from server_stub.sim import failures
from server_stub.store.catalog import BATCHES, NODES, RECIPE_TYPES, Catalog, Error, JobType
from server_stub.store.db import Database
from server_stub.store.logs import seeded_line_count
from server_stub.store.timefmt import US


def _between(rng: random.Random, start: int, stop: int) -> int:
    """``rng.randrange(start, stop)``: the very same draw, without the argument checks that cost
    a seventh of a large seed's time."""
    if stop <= start:
        raise ValueError(f"empty range ({start}, {stop})")
    return start + rng._randbelow(stop - start)


def _below(bits, n: int) -> int:
    """``rng._randbelow(n)`` for ``n > 0``, given ``rng.getrandbits``: the very same draw (the
    standard library's rejection loop), without two method calls a draw."""
    k = n.bit_length()
    r = bits(k)
    while r >= n:
        r = bits(k)
    return r


class Mix:
    """Weighted choices. ``rng.choices(weights=...)`` sums the weights on every call (a tenth of
    a 1,000,000-job seed); the same draw from cumulative weights summed once."""

    def __init__(self, pairs: list[tuple[str, int]]) -> None:
        self.population = [p[0] for p in pairs]
        self.cumulative = list(itertools.accumulate(p[1] for p in pairs))
        self.total = self.cumulative[-1] + 0.0
        self.last = len(self.population) - 1

    def draw(self, rng: random.Random) -> str:
        """``rng.choices(population, cum_weights=cumulative)[0]``: the same draw, minus the
        call's checks and list building."""
        return self.population[bisect.bisect(self.cumulative, rng.random() * self.total, 0,
                                             self.last)]


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
# Constant draws written out in Seeder's hot loops: _between(rng, 0, 20 * US) and
# _between(rng, 10_000, 4_000_000_000) as (range, its bit length) for ``getrandbits``.
_20S = 20 * US
_K20S = _20S.bit_length()
_SIZE = 4_000_000_000 - 10_000
_K_SIZE = _SIZE.bit_length()
_NODE_IDS = [node["id"] for node in NODES]
_TASKS = [f"task-{k:03d}" for k in range(1, 40)]  # _TASKS[_between(rng, 1, 40) - 1]
_bisect = bisect.bisect
_NODE_COUNT = len(_NODE_IDS)  # drawn with getrandbits(4) in Seeder._lifecycle
assert _NODE_COUNT.bit_length() == 4
# NULL in a column the seed leaves empty in most rows: the insert turns 0 into NULL
# (write_chunk's NULLIF(?, 0)). Binding None costs sqlite3 a failed adapter lookup (about half a
# microsecond, an AttributeError raised and cleared), which was a third of writing a job row.
# Only where 0 is never a value: ids, times, text columns.
_NULL = 0
_NO_SOURCE = (_NULL,) * 6
# An execution's exit code by its status when it has no error (1 for a canceled one).
_EXIT_CODES = {"COMPLETED": 0, "RUNNING": None}
FORCED_FAILURES = [("DATA", "landsat8-parse"), ("SYSTEM", None), ("ALGORITHM", "landsat8-parse"),
                   ("ALGORITHM", None)]


def span_for(jobs: int) -> int:
    """How far back the seeded history reaches: about 30 s per job, 6 h to 60 days."""
    return max(6 * HOUR, min(jobs * 30 * US, 60 * 24 * HOUR))


_string = json.encoder.encode_basestring_ascii  # what json.dumps does with a str


_EVENT_DESC = {True: json.dumps({"user": "Anonymous"}), False: json.dumps({"version": "1.0"})}
_COUNTRIES = (json.dumps(["USA"]), json.dumps(["CAN"]))


@functools.cache
def _failed_exit_code(err: Error) -> int | None:
    """The exit code of an execution that failed with ``err``."""
    if err.job_type_name:  # an algorithm's own error maps its exit code (name ends -N)
        return int(err.name.rsplit("-", 1)[-1]) if err.name[-1].isdigit() else 1
    if err.category == "SYSTEM":  # killed (137), or never started (no exit code)
        return None if err.name.startswith(("pull", "task-launch")) else 137
    return 1


class Input(NamedTuple):
    """A file input of a job type, as the seed writes it."""
    name: str
    signature: bool  # one of the shared reference signatures, not a new file
    media: str


class Kind(NamedTuple):
    """What a seeded job reads of its type, worked out once per type."""
    type: JobType
    id: int
    name: str
    parse: bool
    max_tries: int
    priority: int
    timeout: int
    inputs: tuple[Input, ...]
    # A job's JSON text columns as %-templates, keys filled in (json.dumps' text for them):
    # input (%d: each input's file id, then the job id for each required JSON input),
    # input_files (%s: each input's file name as a JSON string) and a completed job's output
    # (%d: each output's file id).
    input_text: str
    json_count: int
    names_text: str
    output_text: str
    output_count: int


def _key(name: str) -> str:
    """``name`` as a JSON string, for a %-template."""
    return _string(name).replace("%", "%%")


# Columns of a seeded job row (a list in the jobs table's order, db.SCHEMA) that _supersede
# reads or sets after the row is made.
(J_ID, J_TYPE, J_STATUS, J_RECIPE, J_IS_SUPERSEDED, J_SUPERSEDED_JOB, J_SUPERSEDED_BY,
 J_CREATED, J_SUPERSEDED, J_MODIFIED) = (0, 1, 2, 5, 7, 8, 9, 20, 25, 26)


_FINAL_STATUSES, _FINAL_CUMULATIVE, _FINAL_TOTAL = (FINAL_MIX.population, FINAL_MIX.cumulative,
                                                    FINAL_MIX.total)
assert FINAL_MIX.last == 2


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
        self.final_until = min(self.recent_from, jobs - len(ALL_STATUSES))  # see _status
        self.rng = random.Random(seed)
        self.start = start_us
        self.end = start_us + span_for(jobs)
        self.types = list(catalog.job_types.values())
        # Parse jobs dominate a real cluster (one per ingested file).
        self.type_weights = [8 if t.name.endswith("parse") else 3 for t in self.types]
        self.type_cumulative = list(itertools.accumulate(self.type_weights))
        self.type_total = self.type_cumulative[-1] + 0.0
        self.type_last = len(self.types) - 1
        # What a job reads of its type, once per type rather than once per job.
        self.kinds = [self._kind(t) for t in self.types]
        self.kind_by_id = {k.id: k for k in self.kinds}
        self.jobs: list[list] = []
        # Rows of the narrower tables go one after another into flat lists, as write_chunk
        # sends them: several rows a statement (Insert).
        self.exes: list = []
        self.events: list = []
        self.recipes: list[tuple] = []
        self.files: list = []
        self.input_links: list = []
        self.signature_files: list[tuple[int, str, int]] = []
        self.next_id = {"event": 1, "recipe": 1, "file": 1, "exe": 1}
        self.failures_forced = 0
        self.forced_category: str | None = None
        self.retry_errors = [e for e in catalog.errors.values()
                             if e.is_builtin and e.should_be_retried]
        # Which error and node a failure shows (sim/failures.py) come from a stream of their
        # own, so that every other draw, and so every job's status and times, stay as they were.
        self.bias = random.Random(f"failures-{seed}")
        # failures.like(bias, drawn, retry_errors, type name) for a drawn retry error: every
        # one of them is retried, so it picks from all of them, ranked once per type name.
        assert all(e.should_be_retried for e in self.retry_errors)
        self.retry_pick = {k.name: failures.picker(self.retry_errors, k.name)
                           for k in self.kinds}


    def _kind(self, jt: JobType) -> Kind:
        inputs = tuple(Input(s["name"], s["name"] == "signature",
                             (s.get("mediaTypes") or ["application/octet-stream"])[0])
                       for s in jt.file_inputs)
        json_names = [s["name"] for s in jt.json_inputs if s.get("required")]
        outputs = [o["name"] for o in jt.output_files]
        for names in ([i.name for i in inputs], json_names, outputs):
            if len(set(names)) != len(names):  # the JSON text below holds one key a name
                raise ValueError(f"job type {jt.name} {jt.version}: an input or output name "
                                 f"is given twice: {names}")
        if jt.max_tries < 2:  # a retried job draws 1 to max_tries - 1 earlier failures
            raise ValueError(f"job type {jt.name} {jt.version}: max_tries {jt.max_tries} < 2")
        # json.dumps({"files": {name: [id]}, "json": {name: value}}) and
        # json.dumps({name: [file name]}, separators=(",", ":")), as text.
        input_text = "".join(('{"files": {', ", ".join(f"{_key(i.name)}: [%d]" for i in inputs),
                              '}, "json": {', ", ".join(f'{_key(n)}: "value-%d"'
                                                        for n in json_names), "}}"))
        names_text = "{" + ",".join(f"{_key(i.name)}:[%s]" for i in inputs) + "}"
        output_text = "".join(('{"files": {', ", ".join(f"{_key(n)}: [%d]" for n in outputs),
                               '}, "json": {}}'))
        return Kind(jt, jt.id, jt.name, jt.name.endswith("parse"), jt.max_tries,
                    jt.configuration["priority"], jt.timeout, inputs, input_text,
                    len(json_names), names_text, output_text, len(outputs))

    def _shift_into_past(self, times: list, over: int, job_id: int, first_exe: int) -> None:
        """Move a job whose story would end ``over`` after the end of history ("now" when live)
        back so that it ends by then, with its executions. ``times`` are the job's created,
        queued, started, ended, last_status_change and last_modified."""
        over += (job_id % 50 + 1) * US  # not every such job ends at the same instant
        for k, value in enumerate(times):
            if value is not None:
                times[k] = value - over
        exes = self.exes
        for row in range(first_exe, len(exes), INSERT_EXECUTION.width):
            for k in (5, 6, 7, 14):  # queued (and created), started, ended, seeded_until
                if exes[row + k] is not None:
                    exes[row + k] -= over

    def _take(self, kind: str) -> int:
        value = self.next_id[kind]
        self.next_id[kind] = value + 1
        return value

    def run(self, conn) -> None:
        """Generate every job, writing them to ``conn`` a chunk at a time (bounded memory).

        A thread writes each chunk while the next is generated. (It overlaps less than it
        could: sqlite3 takes the GIL back after every row, and waits for it while the
        generating thread holds it.)

        The cyclic garbage collector is off meanwhile: the seed makes no cycles, and its
        collections of millions of young rows were a tenth of the generating thread's time.
        """
        collecting = gc.isenabled()
        gc.disable()
        writer = ChunkWriter(conn)
        try:
            self._generate(writer)
        finally:
            writer.close()
            if collecting:
                gc.enable()

    def _generate(self, writer: ChunkWriter) -> None:
        for i in range(5):  # a few reference signatures shared by every detector job
            self.signature_files.append(self._file(f"signature_{i:02d}.csv", "text/csv",
                                                   self.start, None))
        rng, bits, job = self.rng, self.rng.getrandbits, self._job
        start, span, n = self.start, self.end - self.start, self.n
        recipe = None
        recipe_left = 0
        for i in range(n):
            r = bits(_K20S)  # _between(rng, 0, 20 * US)
            while r >= _20S:
                r = bits(_K20S)
            created = start + span * i // n + r
            if recipe_left == 0 and rng.random() < 0.25:
                recipe = self._recipe(created)
                recipe_left = 2 + _below(bits, 3)
            if recipe_left > 0:
                recipe_left -= 1
                job(i, created, recipe)
            else:
                job(i, created, None)
            if len(self.jobs) == CHUNK:
                self._supersede()
                writer.put(self._take_chunk())
        self._supersede()
        writer.put(self._take_chunk())

    def _event(self, kind: str, occurred: int) -> int:
        event_id = self._take("event")
        self.events += (event_id, kind, occurred, _EVENT_DESC[kind == "USER"])
        return event_id

    def _recipe(self, created: int) -> tuple:
        recipe_id = self._take("recipe")
        rtype = self.rng.choice(RECIPE_TYPES)
        batch = self.rng.choice(BATCHES)["id"] if self.rng.random() < 0.15 else _NULL
        event_id = self._event("PARSE", created)
        row = (recipe_id, rtype["id"], rtype["id"] * 10 + rtype["revision_num"], event_id,
               batch, created)
        self.recipes.append(row)
        return row

    def _file(self, name: str, media: str, created: int,
              source: tuple | None) -> tuple[int, str, int]:
        file_id = self._take("file")
        size = _between(self.rng, 10_000, 4_000_000_000) if media != "text/csv" else 4096
        self.files += (file_id, name, media, size, created, *(source or _NO_SOURCE),
                       _COUNTRIES[self.rng.random() >= .6])
        return file_id, name, size

    def _status(self, i: int) -> str:
        if i >= self.n - len(ALL_STATUSES):  # the newest jobs cover every status, even at --jobs 10
            return ALL_STATUSES[self.n - 1 - i]
        if i >= self.recent_from:
            return RECENT_MIX.draw(self.rng)
        return FINAL_MIX.draw(self.rng)

    def _job(self, i: int, created: int, recipe: tuple | None) -> None:
        """One job, its input files, events and executions, drawn in a fixed order.

        This runs a million times in a large seed, so it reads its type once (``Kind``), draws
        with ``_below`` (``rng._randbelow``'s very draw), and writes the job's row as a list in
        table order. Every draw is the one the seed has always made, in the same order: the
        seed's hashes in tests/stub/test_seed.py hold that.
        """
        rng = self.rng
        random, bits = rng.random, rng.getrandbits
        job_id = i + 1
        if i < self.final_until:  # self._status(i), the commonest case written out
            status = _FINAL_STATUSES[_bisect(_FINAL_CUMULATIVE, random() * _FINAL_TOTAL, 0, 2)]
        else:
            status = self._status(i)
        kind = self.kinds[_bisect(self.type_cumulative, random() * self.type_total, 0,
                                  self.type_last)]
        if self.live:
            kind, status = self._live_kind(i, kind, status)
        self.forced_category = None
        if status == "FAILED" and self.failures_forced < len(FORCED_FAILURES):
            # The first failures cover every error category, even in a tiny seed.
            self.forced_category, type_name = FORCED_FAILURES[self.failures_forced]
            self.failures_forced += 1
            if type_name:
                found = self.catalog.find_type(type_name, "1.0.0")
                if found:
                    kind = self.kind_by_id[found.id]
        if recipe is None and (status == "PENDING" or status == "BLOCKED"):
            recipe = self._recipe(created)
        if random() < 0.7:
            r = bits(3)  # rng.choice(SENSORS)
            while r >= 4:
                r = bits(3)
            sensor = SENSORS[r]
            r = bits(7)  # _between(rng, 1, 72)
            while r >= 71:
                r = bits(7)
            s_start = created - (1 + r) * HOUR
            r = bits(10)  # _between(rng, 5, 600)
            while r >= 595:
                r = bits(10)
            s_end = s_start + (5 + r) * US
            r = bits(6)  # _between(rng, 1, 40)
            while r >= 39:
                r = bits(6)
            source = (s_start, s_end, *sensor, _TASKS[r])
            prefix = sensor[0]
        else:
            source = None
            prefix = "SCN"
        size = 0.0
        file_ids = []
        file_names = []
        if kind.inputs:
            src = source or _NO_SOURCE
            file_created = created - US
            for spec in kind.inputs:
                if spec.signature:
                    fid, fname, fsize = self.signature_files[_below(bits, 5)]
                else:
                    fname = f"{prefix}_{job_id:07d}_{spec.name}.dat"
                    fid = self.next_id["file"]
                    self.next_id["file"] = fid + 1
                    if spec.media == "text/csv":
                        fsize = 4096
                    else:
                        r = bits(_K_SIZE)  # _between(rng, 10_000, 4_000_000_000)
                        while r >= _SIZE:
                            r = bits(_K_SIZE)
                        fsize = 10_000 + r
                    self.files += (fid, fname, spec.media, fsize, file_created, *src,
                                   _COUNTRIES[random() >= .6])
                file_ids.append(fid)
                file_names.append(_string(fname))
                size += fsize / (1024 * 1024)
                self.input_links += (job_id, spec.name, fid)
        if kind.json_count:
            file_ids += [job_id] * kind.json_count
        # The job's event (its recipe's, if any) and a parse job's ingest event (_event).
        ingest_event_id = _NULL
        if recipe:
            event_id = recipe[3]
        else:
            event_type = "STRIKE_TRANSFER" if kind.parse else EVENT_TYPES[_below(bits, 4)]
            event_id = self.next_id["event"]
            self.events += (event_id, event_type, created, _EVENT_DESC[event_type == "USER"])
            self.next_id["event"] = event_id + 1
        if kind.parse:
            ingest_event_id = self.next_id["event"]
            self.events += (ingest_event_id, "STRIKE", created, _EVENT_DESC[False])
            self.next_id["event"] = ingest_event_id + 1
        input_file_size = round(size, 2) if status != "PENDING" or kind.inputs else None
        first_exe = len(self.exes)
        times, num_exes, node_id, error_id, output = self._lifecycle(
            job_id, status, kind, created, input_file_size)
        created, queued, started, ended, changed, modified = times
        over = max(queued or 0, started or 0, ended or 0, changed, modified) - self.end
        if over > 0:
            self._shift_into_past(times, over, job_id, first_exe)
            created, queued, started, ended, changed, modified = times
        # The jobs table's columns in order (db.SCHEMA); _supersede sets the J_ ones.
        self.jobs.append([job_id, kind.id, status, event_id, ingest_event_id,
                          recipe[0] if recipe else _NULL, recipe[4] if recipe else _NULL, 0,
                          _NULL, _NULL, node_id, error_id, kind.max_tries, num_exes, kind.priority,
                          input_file_size, kind.names_text % tuple(file_names),
                          kind.input_text % tuple(file_ids), output,
                          _NULL, created, queued, started, ended, changed, _NULL, modified,
                          *(source or _NO_SOURCE)])

    def _live_kind(self, i: int, kind: Kind, status: str) -> tuple[Kind, str]:
        jt = kind.type
        if not jt.raw["is_active"] and i > self.n * 0.7:
            # Retired types have no recent jobs: the same name's active version, or another.
            jt = next((t for t in self.active_types if t.name == jt.name),
                      self.active_types[jt.id % len(self.active_types)])
            kind = self.kind_by_id[jt.id]
        if (jt.raw["is_paused"] and i > self.recent_from
                and i < self.n - len(ALL_STATUSES) and status in ("RUNNING", "COMPLETED")):
            status = "QUEUED"  # a paused type's recent jobs wait in the queue (it was paused)
        return kind, status

    def _lifecycle(self, job_id: int, status: str, kind: Kind, created: int,
                   input_file_size: float | None) -> tuple[list, int, int | None,
                                                           int | None, str | None]:
        """Queue, run, retry and finish the job as Scale would have, creating its executions.

        Returns the job's times (created, queued, started, ended, last_status_change,
        last_modified), num_exes, node_id, error_id and output."""
        rng = self.rng
        random, bits = rng.random, rng.getrandbits
        t = created
        if status in ("PENDING", "BLOCKED") or (status == "CANCELED" and random() < 0.4):
            modified = t + (1 + _below(bits, 29)) * US
            return [created, None, None, None, modified, modified], 0, None, _NULL, _NULL
        max_tries = kind.max_tries
        failed_before = 0
        if status == "FAILED":
            failed_before = _below(bits, max_tries)
        elif status in ("COMPLETED", "RUNNING", "QUEUED") and random() < 0.06:
            failed_before = 1 + _below(bits, max_tries - 1)
        final_error = None
        if status == "FAILED":
            final_error = self._final_error(kind.type, retried=failed_before)
            if final_error.should_be_retried:
                failed_before = max_tries - 1
        attempts = failed_before + (0 if status == "QUEUED" else 1)
        num_exes = 0
        queued = started = ended = node_id = None
        error_id = _NULL
        exes = self.exes
        for exe_num in range(1, attempts + 1):
            r = bits(4)  # _between(rng, 1, 10)
            while r >= 9:
                r = bits(4)
            queued = t + (1 + r) * US
            r = bits(6)  # _between(rng, 2, 60)
            while r >= 58:
                r = bits(6)
            started = queued + (2 + r) * US
            r = bits(11)  # _between(rng, 10, 1800)
            while r >= 1790:
                r = bits(11)
            ended = started + (10 + r) * US
            r = bits(4)  # rng.choice(NODES)
            while r >= _NODE_COUNT:
                r = bits(4)
            node = _NODE_IDS[r]
            if exe_num != attempts or status == "QUEUED":
                _below(bits, len(self.retry_errors))  # the error drawn, shown as one like it
                exe_status, err = "FAILED", self.retry_pick[kind.name](self.bias)
            elif status == "COMPLETED":
                exe_status, err = "COMPLETED", None
            elif status == "FAILED":
                exe_status, err = "FAILED", final_error
            elif status == "CANCELED":
                exe_status, err = "CANCELED", None
            else:
                exe_status, err, ended = "RUNNING", None, None
            if err is None:
                exit_code = _EXIT_CODES.get(exe_status, 1)
                error_id = _NULL
            else:
                node = failures.seed_node(self.bias, err, node)
                exit_code = _failed_exit_code(err)
                error_id = err.id
            exe_id = self.next_id["exe"]
            self.next_id["exe"] = exe_id + 1
            exes += (exe_id, job_id, exe_num, exe_status,
                     f"scale_job_{exe_id:04d}_{job_id:x}x{exe_num}",
                     queued, started, ended, node, error_id, exit_code,
                     kind.timeout, input_file_size, seeded_line_count(exe_id),
                     ended if ended is not None else self.end)
            num_exes = exe_num
            node_id = node
            t = ended if ended is not None else started
        output = _NULL
        if status == "QUEUED":
            num_exes = attempts + 1
            queued = t + (1 + _below(bits, 9)) * US
            started = ended = node_id = None
            error_id = _NULL
            t = queued
        elif status == "CANCELED":
            node_id = ended = None  # cancel never sets `ended`
            error_id = _NULL
        elif status == "COMPLETED":
            base = 10_000_000 + job_id * 4  # the outputs' file ids
            output = kind.output_text % tuple(range(base, base + kind.output_count))
        return ([created, queued, started, ended, t, t + _below(bits, 3) * US], num_exes,
                node_id, error_id, output)

    def _final_error(self, jt: JobType, retried: int):
        errors = self.catalog.errors_for(jt)
        category = self.forced_category or CATEGORY_MIX.draw(self.rng)
        pool = [e for e in errors if e.category == category] or errors
        if self.forced_category == "ALGORITHM" and jt.name == "landsat8-parse":
            pool = [e for e in pool if e.job_type_name] or pool  # an algorithm-specific one
        return failures.like(self.bias, self.rng.choice(pool), pool, jt.name)

    def _supersede(self) -> None:
        """Reprocessed recipes leave superseded chains: old job -> superseded_by -> new job."""
        by_recipe_type: dict[int, list[list]] = {}
        for row in self.jobs:
            if row[J_RECIPE] and row[J_STATUS] in ("COMPLETED", "FAILED"):
                by_recipe_type.setdefault(row[J_TYPE], []).append(row)
        for rows in by_recipe_type.values():
            for old, new in itertools.pairwise(rows):
                if self.rng.random() < 0.04 and not old[J_SUPERSEDED_BY] \
                        and not new[J_SUPERSEDED_JOB] and old[J_ID] < new[J_ID]:
                    old[J_IS_SUPERSEDED] = 1
                    old[J_SUPERSEDED] = new[J_CREATED]
                    old[J_SUPERSEDED_BY] = new[J_ID]
                    old[J_MODIFIED] = max(old[J_MODIFIED], new[J_CREATED])
                    new[J_SUPERSEDED_JOB] = old[J_ID]

    def _take_chunk(self) -> tuple[list, ...]:
        """The rows generated since the last chunk, in table order; fresh lists go on."""
        chunk = (self.events, self.recipes, self.files, self.input_links, self.jobs, self.exes)
        self.events, self.recipes, self.files, self.input_links, self.jobs, self.exes = (
            [], [], [], [], [], [])
        return chunk


ROWS_A_STATEMENT = 25  # within SQLite's limits on variables (999) and VALUES rows (500)


def _renumbered(values: str, by: int) -> str:
    return re.sub(r"\?(\d+)", lambda m: f"?{int(m.group(1)) + by}", values)


class Insert:
    """An INSERT of one row, and of ROWS_A_STATEMENT rows at once from a flat list of values.

    sqlite3's executemany pays about a microsecond a statement before any value is bound: for
    the narrow tables (executions, files, events, input links) that was half their writing.
    """

    def __init__(self, table: str, values: str) -> None:
        numbered = re.findall(r"\?(\d+)", values)  # ?1..?N, each N used once or more
        self.width = len(set(numbered)) if numbered else values.count("?")
        self.one = f"INSERT INTO {table} VALUES ({values})"
        if numbered:
            rows = [_renumbered(values, r * self.width) for r in range(ROWS_A_STATEMENT)]
        else:
            rows = [values] * ROWS_A_STATEMENT
        self.many = f"INSERT INTO {table} VALUES " + ", ".join(f"({row})" for row in rows)

    def write(self, conn, flat: list) -> None:
        step = self.width * ROWS_A_STATEMENT
        whole = len(flat) - len(flat) % step
        conn.executemany(self.many, (flat[k:k + step] for k in range(0, whole, step)))
        conn.executemany(self.one, (flat[k:k + self.width]
                                    for k in range(whole, len(flat), self.width)))


# An executions row gives its queued time once, for created too; a files row gives its source
# times once each, and no workspace, type or path (the same for every seeded file).
# NULLIF(?, 0): see _NULL.
INSERT_EXECUTION = Insert("executions", "?1, ?2, ?3, ?4, ?5, ?6, ?6, ?7, ?8, ?9, NULLIF(?10, 0), "
                                        "?11, ?12, ?13, ?14, ?15")
INSERT_FILE = Insert("files", "?1, ?2, 1, ?3, 'SOURCE', ?4, 'ingest/' || ?2, ?5, NULLIF(?6, 0), "
                              "NULLIF(?7, 0), NULLIF(?6, 0), NULLIF(?7, 0), NULLIF(?8, 0), "
                              "NULLIF(?9, 0), NULLIF(?10, 0), NULLIF(?11, 0), ?5, ?12")
INSERT_EVENT = Insert("events", "?, ?, ?, ?")
INSERT_INPUT_LINK = Insert("job_input_files", "?, ?, ?")
_NULLABLE_JOB_COLUMNS = {4, 5, 6, 8, 9, 11, 18, 19, 25, 27, 28, 29, 30, 31, 32}
INSERT_JOB = "INSERT INTO jobs VALUES ({})".format(
    ", ".join("NULLIF(?, 0)" if k in _NULLABLE_JOB_COLUMNS else "?" for k in range(33)))
INSERT_RECIPE = "INSERT INTO recipes VALUES (?, ?, ?, ?, NULLIF(?, 0), ?)"


def write_chunk(conn, chunk: tuple[list, ...]) -> None:
    """Events, files, input links and executions come as flat lists (Insert); recipes and jobs
    as rows (a job row is a list _supersede changes)."""
    events, recipes, files, input_links, jobs, exes = chunk
    INSERT_EVENT.write(conn, events)
    conn.executemany(INSERT_RECIPE, recipes)
    INSERT_FILE.write(conn, files)
    INSERT_INPUT_LINK.write(conn, input_links)
    conn.executemany(INSERT_JOB, jobs)
    INSERT_EXECUTION.write(conn, exes)


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
