"""How the log screen holds up: append rate, memory, event-loop stalls, bytes per poll.

    .venv/bin/python bench/logs.py [--runs 3]

Prints the median of ``--runs`` runs for each measure with its target:
- lines per second appended to a ``LogView`` (batches of 10,000 through a 100,000-line buffer,
  including the frames drawn), target >= 100,000 lines/s;
- peak RSS of a process that pushed 1,000,000 lines through a 100,000-line buffer, target < 200 MB;
- the longest event-loop stall (a 5 ms ticker) while a 10,000-line burst arrives, target < 50 ms;
- bytes on the wire for a poll of an unchanged 100,000-line log from the stub over loopback
  (``started`` = last timestamp, as ``LogFollower`` sends it), target < 2 KB, beside a full
  re-download (what Scale's web UI does every 5 s).
Each UI measure runs in a fresh process, so one run's memory does not colour the next.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import resource
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta

from textual.app import App, ComposeResult

from scale_tui.api import LogLine
from scale_tui.core.log_search import LogPattern
from scale_tui.widgets.log.view import LogView

BUFFER = 100_000
T0 = datetime(2026, 1, 1, tzinfo=UTC)


def make_lines(start: int, count: int) -> list[LogLine]:
    """Lines shaped like a busy algorithm's output (~60 chars, a stderr line in 8)."""
    return [
        LogLine(T0 + timedelta(milliseconds=i), i % 1000, "stderr" if i % 8 == 0 else "stdout",
                f"Processing tile {i} band B{i % 11 + 1} ({i % 100}%) elapsed={i * 7 % 9000} ms")
        for i in range(start, start + count)
    ]


class ViewApp(App):
    def compose(self) -> ComposeResult:
        yield LogView(BUFFER)


async def append_rate(total: int = 1_000_000, batch: int = 10_000, *, busy: bool = False) -> dict:
    """Lines/s through the view (the network is not measured here).

    ``busy``: with a find pattern highlighted and wrap on, so every new line is searched and
    measured as it arrives: the costliest way to follow a log.
    """
    app = ViewApp()
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one(LogView)
        if busy:
            view.wrap = True
            view.set_pattern(LogPattern.compile("band B4"), filtering=False)
        await pilot.pause()
        elapsed = 0.0
        for first in range(0, total, batch):
            lines = make_lines(first, batch)  # made outside the clock, dropped after the poll
            start = time.perf_counter()
            view.append(lines)
            await pilot.pause(0)  # let a frame be drawn between polls, as in the screen
            elapsed += time.perf_counter() - start
        start = time.perf_counter()
        await pilot.pause()
        elapsed += time.perf_counter() - start
        assert view.buffer.total == total and len(view.buffer) == BUFFER
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"lines_per_s": total / elapsed, "peak_rss_mb": peak_mb}


@contextlib.asynccontextmanager
async def loop_stalls(gaps: list[float]):
    """While inside, append to `gaps` how late each tick of a 5 ms ticker on this loop was."""
    stop = asyncio.Event()

    async def ticker() -> None:
        last = time.perf_counter()
        while not stop.is_set():
            await asyncio.sleep(0.005)
            now = time.perf_counter()
            gaps.append(now - last - 0.005)
            last = now

    task = asyncio.create_task(ticker())
    await asyncio.sleep(0.05)  # the ticker is running before the work starts
    try:
        yield
    finally:
        stop.set()
        await task


async def burst_stall(burst: int = 10_000) -> dict:
    """Longest gap between ticks of a 5 ms ticker while one burst is appended and drawn."""
    app = ViewApp()
    async with app.run_test(size=(160, 50)) as pilot:
        view = app.query_one(LogView)
        view.append(make_lines(0, 50_000))  # a log already on screen
        await pilot.pause()
        lines = make_lines(50_000, burst)
        gaps: list[float] = []
        async with loop_stalls(gaps):
            view.append(lines)
            await pilot.pause()
            await asyncio.sleep(0.05)
    return {"stall_ms": max(gaps) * 1000}


async def screen_burst_stall(burst: int = 10_000) -> dict:
    """The same burst end to end: the stub (its own process) gains 10,000 lines, the log screen
    polls, the client parses the response, the view appends and draws. Longest ticker gap."""
    import sqlite3
    import tempfile
    from pathlib import Path

    from scale_tui.api import ScaleClient
    from scale_tui.screens.log import LogScreen
    from server_stub.runner import spawn_stub
    from tests.pilot import HostApp

    with tempfile.TemporaryDirectory() as tmp:
        db = str(Path(tmp) / "stub.db")
        stub = spawn_stub(db_path=db, jobs=300, seed=7, simulate=False)
        try:
            async with ScaleClient(stub.url) as client:
                screen = LogScreen(7)  # execution 7: 50,000 seeded lines; no end known
                screen.poll_interval = 3600  # polls only when woken below
                app = HostApp(client, screen, log_buffer=BUFFER)  # the console's host
                async with app.run_test(size=(160, 50)) as pilot:
                    while screen.view.buffer.total < 50_000:
                        await pilot.pause(0.05)
                    await pilot.pause()
                    conn = sqlite3.connect(db, timeout=30)
                    last = conn.execute("SELECT seeded_until FROM executions WHERE id = 7")
                    last_ms = last.fetchone()[0] // 1000 + 1000
                    with conn:
                        conn.executemany(
                            "INSERT INTO log_lines VALUES (7, ?, ?, ?, ?)",
                            [(last_ms + i // 4, i % 4, "stdout", f"burst line {i} band B4 ok")
                             for i in range(burst)])
                    conn.close()
                    gaps: list[float] = []
                    async with loop_stalls(gaps):
                        screen.action_poll_now()
                        while screen.view.buffer.total < 50_000 + burst:
                            await asyncio.sleep(0.005)
                        await pilot.pause()
        finally:
            stub.stop()
    return {"stall_ms": max(gaps) * 1000}


def poll_bytes() -> dict:
    """A real poll of an unchanged 100,000-line log against the stub, and a full download."""
    import httpx

    from server_stub.runner import StubServer

    with StubServer(jobs=300, seed=7, simulate=False) as server:
        # Execution 7's seed is 50,000 lines; store 50,000 more after them: 100,000 in all.
        conn = server.state.db.conn
        last_ms = conn.execute("SELECT seeded_until FROM executions WHERE id = 7").fetchone()[0]
        last_ms = last_ms // 1000 + 1000 if last_ms else 2_000_000_000_000
        conn.executemany(
            "INSERT INTO log_lines VALUES (7, ?, ?, ?, ?)",
            [(last_ms + i // 4, i % 4, "stdout", f"stored line {i} of the second half")
             for i in range(50_000)],
        )
        sizes: list[int] = []

        def record(response: httpx.Response) -> None:
            response.read()
            head = sum(len(k) + len(v) + 4 for k, v in response.headers.raw)
            sizes.append(len(response.content) + head + 17)  # + status line

        path = "/v6/job-executions/7/logs/combined/"
        with httpx.Client(base_url=server.url, event_hooks={"response": [record]}) as http:
            started, seen = None, set()
            while True:  # the full download, 10,000 lines at a time, as a client must
                params = {"started": started} if started else {}
                body = http.get(path, params=params).json()
                hits = body["hits"]["hits"]
                seen.update(tuple(hit["_source"].values()) for hit in hits)
                started = hits[-1]["_source"]["@timestamp"]
                if len(hits) < 10_000:
                    break
            full = sum(sizes)
            sizes.clear()
            http.get(path, params={"started": started})  # the follow poll: nothing new
            poll = sizes[0]
    return {"lines": len(seen), "poll_bytes": poll, "full_bytes": full}


def child(measure: str) -> dict:
    from scale_tui.app import freeze_startup_heap

    freeze_startup_heap()  # as `scale-tui` does before the console runs
    if measure == "append":
        return asyncio.run(append_rate())
    if measure == "append-busy":
        return asyncio.run(append_rate(busy=True))
    if measure == "stall":
        return asyncio.run(burst_stall())
    if measure == "stall-e2e":
        return asyncio.run(screen_burst_stall())
    return poll_bytes()


def run_child(measure: str) -> dict:
    out = subprocess.run([sys.executable, __file__, "--child", measure], check=True,
                         capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child)))
        return
    appends = [run_child("append") for _ in range(args.runs)]
    busy = [run_child("append-busy") for _ in range(args.runs)]
    stalls = [run_child("stall") for _ in range(args.runs)]
    e2e = [run_child("stall-e2e") for _ in range(args.runs)]
    polls = [run_child("poll") for _ in range(args.runs)]

    def median(rows: list[dict], key: str) -> float:
        return statistics.median(row[key] for row in rows)

    rate = median(appends, "lines_per_s")
    busy_rate = median(busy, "lines_per_s")
    rss = median(appends, "peak_rss_mb")
    stall = median(stalls, "stall_ms")
    stall_e2e = median(e2e, "stall_ms")
    poll, full = median(polls, "poll_bytes"), median(polls, "full_bytes")
    print(f"log bench, median of {args.runs} runs")
    print(f"  append rate        {rate:>12,.0f} lines/s   target >= 100,000   "
          f"({rate / 100_000:.1f}x target)")
    print(f"  ... find + wrap on {busy_rate:>12,.0f} lines/s   target >= 100,000   "
          f"({busy_rate / 100_000:.1f}x target)")
    print(f"  peak RSS (1M->100k){rss:>12,.0f} MB        target < 200        "
          f"({rss / 200:.2f} of target)")
    print(f"  10k-line burst     {stall:>12,.1f} ms stall  target < 50         "
          f"({stall / 50:.2f} of target)")
    print(f"  ... via the stub   {stall_e2e:>12,.1f} ms stall  target < 50         "
          f"({stall_e2e / 50:.2f} of target; HTTP + JSON parse + append + draw)")
    print(f"  unchanged poll     {poll:>12,.0f} bytes    target < 2,048      "
          f"({poll / 2048:.2f} of target)")
    print(f"  full re-download   {full:>12,.0f} bytes    ({polls[0]['lines']:,} lines; "
          f"{full / max(poll, 1):,.0f}x the poll)")


if __name__ == "__main__":
    main()
