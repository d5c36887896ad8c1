"""How fast the console is against a big Scale: prints numbers, asserts nothing.

    .venv/bin/python bench/console.py [--jobs 100000] [--runs 5]

Against a stub with 100k jobs (simulator off, in its own process):
- first rows: from starting a fresh `python` process to the jobs table having rows, median of
  cold starts (the child runs the real ScaleApp headless and prints the moment it has rows);
- filter change to updated table: from the change to the end of the first frame painted after
  the table was updated, p50/p95 over alternating filters;
- longest event-loop stall (a 5 ms ticker) during a refresh of an unchanged 100-row page, of a
  100-row page where 10 rows changed, and of an unchanged 1000-row page;
- peak RSS of the console process.
Targets on the 2-core box: first rows < 1.5 s, filter p95 < 200 ms, stall < 30 ms (100 rows)
and < 150 ms (1000 rows), RSS < 150 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

CHILD_FLAG = "--first-rows-child"


def first_rows_child(url: str) -> None:
    """Run in a fresh process: print the wall-clock moment the jobs table first has rows."""
    from scale_tui.app import ScaleApp, freeze_startup_heap
    from scale_tui.core.config import Profile

    freeze_startup_heap()  # as `scale-tui` does before the console runs
    app = ScaleApp("bench", Profile(url=url, refresh_interval=300))

    async def watch(pilot) -> None:
        while True:
            screen = app.screen_stack[0] if app.screen_stack else None
            table = getattr(screen, "table", None) if screen is not None else None
            if table is not None and table.row_count:
                await pilot.pause()  # the frame with the rows
                print(time.time(), flush=True)
                app.exit()
                return
            await asyncio.sleep(0.005)

    app.run(headless=True, size=(120, 40), auto_pilot=watch)


def measure_first_rows(url: str, runs: int) -> list[float]:
    times = []
    env = {**os.environ, "SCALE_TUI_STATE_DIR": "/tmp/scale-tui-bench-state"}
    for _ in range(runs):
        start = time.time()
        out = subprocess.run([sys.executable, __file__, CHILD_FLAG, url], capture_output=True,
                             text=True, env=env, cwd=ROOT, timeout=60)
        lines = [line for line in out.stdout.split() if line.replace(".", "").isdigit()]
        if not lines:
            raise SystemExit(f"child failed: {out.stderr[-2000:]}")
        times.append(float(lines[-1]) - start)
    return times


class Ticker:
    """The longest gap between 5 ms ticks: how long the event loop was blocked."""

    def __init__(self, app) -> None:
        self.app, self.worst, self.last, self.timer = app, 0.0, None, None

    def start(self) -> None:
        self.worst, self.last = 0.0, time.perf_counter()
        self.timer = self.app.set_interval(0.005, self._tick)

    def _tick(self) -> None:
        now = time.perf_counter()
        self.worst = max(self.worst, now - self.last - 0.005)
        self.last = now

    def stop(self) -> float:
        self._tick()
        self.timer.stop()
        return max(self.worst, 0.0)


async def settle(pilot, app) -> None:
    for _ in range(2):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()


async def measure_in_process(url: str, runs: int) -> dict[str, list[float]]:
    from scale_tui.app import ScaleApp, freeze_startup_heap
    from scale_tui.core.config import Profile

    results: dict[str, list[float]] = {"filter": [], "stall_100": [], "stall_100_10": [],
                                       "stall_1000": []}
    freeze_startup_heap()  # as `scale-tui` does before the console runs
    app = ScaleApp("bench", Profile(url=url, refresh_interval=300))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        ticker = Ticker(app)
        painted = _record_paints(screen)
        filters = [("FAILED",), ("RUNNING", "QUEUED"), (), ("COMPLETED",), ("CANCELED",)]
        for i in range(max(20, runs * 4)):
            statuses = filters[i % len(filters)]
            start = time.perf_counter()
            screen.change_form(statuses=statuses)
            key_before = screen._shown_key
            while screen._shown_key == key_before or screen.form.statuses != statuses:
                await asyncio.sleep(0.001)
            updated = time.perf_counter()
            while not painted or painted[-1] < updated:  # the frame that shows the new rows
                await asyncio.sleep(0.001)
            results["filter"].append(painted[-1] - start)
            await settle(pilot, app)  # let the status counts finish before the next change
        screen.change_form(statuses=())
        await settle(pilot, app)
        for _ in range(runs):
            results["stall_100"].append(await _refresh_stall(pilot, app, screen, ticker))
            _pretend_rows_changed(screen, 10)
            results["stall_100_10"].append(await _refresh_stall(pilot, app, screen, ticker))
        app.page_size = 1000
        screen.change_form(window="all", statuses=("COMPLETED",))
        await settle(pilot, app)
        assert screen.table.row_count == 1000, screen.table.row_count
        for _ in range(runs):
            results["stall_1000"].append(await _refresh_stall(pilot, app, screen, ticker))
    return results


def _record_paints(screen) -> list[float]:
    """When each frame of `screen` finished painting (the user sees it then)."""
    painted: list[float] = []
    paint = screen._compositor_refresh

    def timed_paint() -> None:
        paint()
        painted.append(time.perf_counter())

    screen._compositor_refresh = timed_paint
    return painted


def _pretend_rows_changed(screen, count: int) -> None:
    """Make the table believe `count` rows showed other values, so the next refresh rewrites
    their cells exactly as it does when those jobs changed on the server."""
    table = screen.table
    for key in list(table._values)[:count]:
        cells = list(table._values[key])
        cells[2], cells[3] = "QUEUED", "SYSTEM: something"
        table._values[key] = tuple(cells)


async def _refresh_stall(pilot, app, screen, ticker) -> float:
    await settle(pilot, app)
    screen._counts_at = None  # a full refresh: page and status counts
    ticker.start()
    screen.loop.now()
    await settle(pilot, app)
    await asyncio.sleep(0.05)
    return ticker.stop()


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == CHILD_FLAG:
        first_rows_child(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--jobs", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    from server_stub.runner import spawn_stub

    print(f"starting a stub with {args.jobs} jobs (simulator off)…", flush=True)
    started = time.perf_counter()
    stub = spawn_stub(jobs=args.jobs, seed=1, simulate=False)
    print(f"  stub up in {time.perf_counter() - started:.1f} s at {stub.url}", flush=True)
    try:
        first = measure_first_rows(stub.url, args.runs)
        measured = asyncio.run(measure_in_process(stub.url, args.runs))
    finally:
        stub.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    rows = [
        ("first rows (cold start), median", statistics.median(first), 1.5, "s"),
        ("filter change -> table, p50", pct(measured["filter"], 0.5) * 1000, 200, "ms"),
        ("filter change -> table, p95", pct(measured["filter"], 0.95) * 1000, 200, "ms"),
        ("stall, refresh of unchanged 100 rows", statistics.median(measured["stall_100"]) * 1000,
         30, "ms"),
        ("stall, refresh of 100 rows, 10 changed",
         statistics.median(measured["stall_100_10"]) * 1000, 30, "ms"),
        ("stall, refresh of unchanged 1000 rows",
         statistics.median(measured["stall_1000"]) * 1000, 150, "ms"),
        ("peak RSS of the console process", rss_mb, 150, "MB"),
    ]
    print(f"\n{'measure':42} {'value':>9}  {'target':>8}  ratio")
    for name, value, target, unit in rows:
        print(f"{name:42} {value:8.1f}{unit:>2} {target:7g}{unit:>2}  {value / target:5.2f}")
    print(f"\nfirst rows, each run: {', '.join(f'{t:.2f}' for t in first)} s")
    print("stalls (ms): " + "; ".join(
        f"{k}: {', '.join(f'{v * 1000:.0f}' for v in vs)}" for k, vs in measured.items()
        if k.startswith("stall")))


if __name__ == "__main__":
    main()
