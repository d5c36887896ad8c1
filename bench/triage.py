"""How fast triage is against a big window: prints numbers, asserts nothing.

    .venv/bin/python bench/triage.py [--failed 10000] [--runs 5]

A stub (its own process, simulator off) whose database holds `--failed` failed jobs: a frozen
seed, plus COMPLETED jobs turned FAILED with the errors and nodes the seed's own failures have
(so the groups look like the seed's). The console runs headless in this process (gc frozen, as
`scale-tui` does) and opens the triage screen over a window holding every one of them:
- time to a complete triage: from the refresh starting to the groups drawn (pages of 1000 read,
  parsed, grouped, the table and the chart updated), median of `--runs`, target < 3 s;
- the console's largest event-loop stall while that runs (a 5 ms ticker, as bench/logs.py
  measures it), median of the runs' worst, target < 50 ms; and what made each run's worst
  (bench/stall_trace.py): the loop thread's own CPU time in it, its time waiting for a core
  (the machine's load), its time waiting for the GIL (another thread of the console), the loop
  callback that ran then, and what the other threads did (page parse, grouping, a full garbage
  collection);
- the largest CPU time of any one loop callback (what the stall would be on an idle machine)
  and the loop thread's CPU time per triage: figures the machine's load does not inflate much.
Figures and what they led to: docs/triage.md.
For comparison the same figure for the full `Job` model parsed inline (what `list_jobs` does)
is printed: the stall triage would have without `list_job_briefs`.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from logs import loop_stalls  # noqa: E402  (bench/logs.py: the one stall measure)
from stall_trace import StallTrace  # noqa: E402  (the same ticker, and what made a stall)


def make_database(path: str, failed: int) -> tuple[datetime, datetime]:
    """Seed, then fail COMPLETED jobs until `failed` are FAILED; returns the window (first and
    last last_modified of a failed job)."""
    from server_stub.app import open_state

    state = open_state(path, jobs=max(3 * failed, 2000), seed=1, simulate=False)
    state.db.conn.close()
    conn = sqlite3.connect(path, timeout=30)
    have = conn.execute("SELECT error_id, node_id FROM jobs WHERE status = 'FAILED' "
                        "AND is_superseded = 0 AND error_id IS NOT NULL").fetchall()
    missing = failed - len(have)
    if missing > 0:
        rng = random.Random(13)
        ids = [r[0] for r in conn.execute(
            "SELECT id FROM jobs WHERE status = 'COMPLETED' AND is_superseded = 0 "
            "ORDER BY id LIMIT ?", (missing,))]
        if len(ids) < missing:
            raise SystemExit(f"only {len(ids)} COMPLETED jobs to fail; seed more jobs")
        conn.executemany(
            "UPDATE jobs SET status = 'FAILED', error_id = ?, node_id = ?, "
            "last_modified = last_modified + 1 WHERE id = ?",
            [(*rng.choice(have), job_id) for job_id in ids])
        conn.commit()
    low, high = conn.execute("SELECT min(last_modified), max(last_modified) FROM jobs "
                             "WHERE status = 'FAILED' AND is_superseded = 0").fetchone()
    total = conn.execute("SELECT count(*) FROM jobs WHERE status = 'FAILED' "
                         "AND is_superseded = 0").fetchone()[0]
    conn.close()
    print(f"  {total} failed jobs in the database", flush=True)
    return (datetime.fromtimestamp(low / 1e6, UTC).replace(microsecond=0),
            datetime.fromtimestamp(high / 1e6 + 1, UTC).replace(microsecond=0))


def _watched() -> list[tuple[object, str]]:
    """What the console's other threads do during a triage: parse pages, group."""
    from scale_tui.api import client
    from scale_tui.core import triage
    from scale_tui.screens import triage as screen

    watched = [(client, "_brief_page"), (triage, "group_failures"), (triage, "all_buckets"),
               (triage, "chart"), (screen, "row_cells")]
    return [(owner, name) for owner, name in watched if hasattr(owner, name)]


async def measure(url: str, window: str, runs: int) -> dict[str, list]:
    from scale_tui.app import ScaleApp, freeze_startup_heap
    from scale_tui.core.config import Profile
    from scale_tui.screens.triage import TriageMemory, TriageScreen

    freeze_startup_heap()
    watched = _watched()
    results: dict[str, list] = {"seconds": [], "stall_ms": [], "jobs": [], "loop_cpu_ms": [],
                                "idle_stall_ms": [], "stalls": [], "callback_cpu_ms": []}
    app = ScaleApp("bench", Profile(url=url, refresh_interval=3600))
    async with app.run_test(size=(160, 50)) as pilot:
        await _settle(pilot, app)
        app.triage_memory = TriageMemory(window_text=window)
        app.open_triage()
        screen = app.screen
        assert isinstance(screen, TriageScreen)
        await _wait(pilot, lambda: screen.drawn is not None and not screen.loop.running)
        await _settle(pilot, app)
        for run in range(runs):
            before = screen.drawn
            async with StallTrace() as trace:
                for owner, name in watched:
                    trace.watch(owner, name)
                cpu = time.thread_time()  # the loop thread's own CPU time, whatever the load
                start = time.perf_counter()
                screen.loop.now()
                # the refresh ends once the groups are drawn (the table's last batch added, by
                # the screen's handler of the worker's message)
                await _wait(pilot, lambda b=before: screen.drawn is not b
                            and not screen.loop.running)
                results["seconds"].append(time.perf_counter() - start)
                results["loop_cpu_ms"].append((time.thread_time() - cpu) * 1000)
                await pilot.pause()
            stall = trace.worst()
            results["stall_ms"].append(stall.wall_ms)
            results["stalls"].append(stall)
            results["callback_cpu_ms"].append(max(c.cpu_ms for c in trace.callbacks))
            full = [cpu for name, _, _, cpu in trace.spans if "generation 2" in name]
            print(f"  run {run + 1}: {results['seconds'][-1]:.2f} s, {len(full)} full collections "
                  f"({sum(full):.0f} ms CPU), worst stall {stall.report()}", flush=True)
            idle: list[float] = []  # the same ticker with nothing to do: the machine's share
            async with loop_stalls(idle):
                await asyncio.sleep(results["seconds"][-1])
            results["idle_stall_ms"].append(max(idle) * 1000)
            results["jobs"].append(len(screen.failures.jobs))
            await _settle(pilot, app)
    return results


async def inline_parse_stall(url: str, window: str) -> float:
    """The worst stall of the same pages read with `list_jobs` (full models, parsed inline)."""
    from scale_tui.api import ScaleClient
    from scale_tui.core import triage

    w = triage.parse_triage_window(window, now=datetime.now(UTC))
    gaps: list[float] = []
    async with ScaleClient(url) as client, loop_stalls(gaps):
        page = 1
        while True:
            result = await client.list_jobs(triage.failed_filter(w), page=page,
                                            page_size=triage.PAGE_SIZE)
            if not result.next:
                break
            page += 1
    return max(gaps) * 1000


async def _wait(pilot, condition) -> None:
    deadline = time.monotonic() + 120
    while not condition():
        if time.monotonic() > deadline:
            raise SystemExit("triage did not finish within 120 s")
        await asyncio.sleep(0.002)


async def _settle(pilot, app) -> None:
    for _ in range(2):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--failed", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from server_stub.runner import spawn_stub

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "stub.sqlite3")
        print(f"seeding a stub database with {args.failed} failed jobs…", flush=True)
        start, end = make_database(db, args.failed)
        window = f"{start:%Y-%m-%dT%H:%M:%SZ}/{end:%Y-%m-%dT%H:%M:%SZ}"
        stub = spawn_stub(db_path=db, simulate=False)
        try:
            measured = asyncio.run(measure(stub.url, window, args.runs))
            inline = asyncio.run(inline_parse_stall(stub.url, window))
        finally:
            stub.stop()
    seconds = statistics.median(measured["seconds"])
    stall = statistics.median(measured["stall_ms"])
    print(f"triage of {measured['jobs'][-1]} failed jobs ({args.runs} runs)")
    print(f"  complete triage, median     {seconds:6.2f} s    target < 3 s    "
          f"runs: {', '.join(f'{s:.2f}' for s in measured['seconds'])}")
    print(f"  largest loop stall, median  {stall:6.1f} ms   target < 50 ms  "
          f"runs: {', '.join(f'{s:.1f}' for s in measured['stall_ms'])}")
    stalls = measured["stalls"]
    print("  the worst stalls, median: loop CPU "
          f"{statistics.median(s.cpu_ms for s in stalls):.0f} ms, waiting for a core "
          f"{statistics.median(s.runq_ms for s in stalls):.0f} ms, waiting for the GIL "
          f"{statistics.median(s.waiting_ms for s in stalls):.0f} ms; made by: "
          + "; ".join(f"{n}x {phase}" for phase, n in
                      Counter(s.phase() for s in stalls).most_common()))
    longest = statistics.median(measured["callback_cpu_ms"])
    print(f"  the longest loop callback, median of its CPU time {longest:.0f} ms "
          f"(runs: {', '.join(f'{s:.0f}' for s in measured['callback_cpu_ms'])})")
    cpu = statistics.median(measured["loop_cpu_ms"])
    idle = statistics.median(measured["idle_stall_ms"])
    print(f"  the loop thread's CPU time during it, median {cpu:.0f} ms "
          f"(the rest is the stub, the network and the parse thread)")
    print(f"  the same ticker idle for as long, worst gap median {idle:.1f} ms "
          f"(load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)")
    print(f"  (the same pages as full Job models parsed inline: worst stall {inline:.0f} ms)")


if __name__ == "__main__":
    main()
