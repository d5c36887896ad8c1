"""The console's worst event-loop stall, and what made it.

    async with StallTrace() as trace:   # on the console's loop, around the work measured
        ...
    trace.worst()                       # a Stall: how long, where the time went, which callback

The stall is the measure of bench/logs.py's `loop_stalls`: a 5 ms ticker on the loop, a stall
is how late a tick came. While inside, every callback the asyncio loop runs
(`asyncio.events.Handle._run`: a task step, a timer, a `call_soon`) is timed, wall and CPU; a
sampling thread reads the loop thread's stack every 2 ms while a callback runs, so a long one
comes back with the code it spent its time in. Each tick also reads the loop thread's
scheduler statistics (Linux `/proc/self/task/TID/schedstat`), so a stall splits into
- CPU: the loop thread's own work (what the console can cut),
- run queue: the thread was ready but the machine gave it no core (the load of the box),
- waiting: neither, so the thread slept while it wanted to run: the GIL, held by another
  thread of the process (the parse thread, pydantic validating a page in Rust).
A bench tool: it patches asyncio while entered; the console never imports it.
"""

from __future__ import annotations

import asyncio
import asyncio.events
import gc
import os
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field

TICK = 0.005  # as bench/logs.py's loop_stalls
SAMPLE_EVERY = 0.002
_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# Frames of these files are noise in a stack summary: the loop and the tracer itself.
_SKIP = ("asyncio/", "stall_trace.py", "threading.py", "contextvars", "textual/_callback.py",
         "textual/timer.py", "textual/message_pump.py", "textual/worker.py")


@dataclass
class Callback:
    start: float
    end: float
    cpu_ms: float
    what: str
    stacks: Counter = field(default_factory=Counter)

    @property
    def wall_ms(self) -> float:
        return (self.end - self.start) * 1000

    def where(self) -> str:
        """The callback and the code most of its samples were in."""
        if not self.stacks:
            return self.what
        stack, n = self.stacks.most_common(1)[0]
        return f"{self.what}, {n}/{sum(self.stacks.values())} samples in {stack}"


@dataclass
class Stall:
    wall_ms: float
    cpu_ms: float  # the loop thread on a core
    runq_ms: float  # ready, no core free (machine load); -1 when the kernel does not say
    callbacks: list[Callback]
    spans: list[tuple[str, float, float, float]] = field(default_factory=list)

    @property
    def waiting_ms(self) -> float:
        """Neither on a core nor queued for one: asleep though due (the GIL, mostly)."""
        return max(0.0, self.wall_ms - self.cpu_ms - max(self.runq_ms, 0.0))

    @property
    def culprit(self) -> Callback | None:
        return max(self.callbacks, key=lambda c: c.cpu_ms, default=None)

    def phase(self) -> str:
        """In a few words: what the loop was doing, or why it could not."""
        parts = {"loop CPU": self.cpu_ms, "waiting for a core": self.runq_ms,
                 "waiting for the GIL": self.waiting_ms}
        main = max(parts, key=parts.get)
        culprit = self.culprit
        if culprit is None or culprit.cpu_ms < 1:
            return f"{main}, no loop callback running"
        return f"{main}, in {culprit.what}"

    def report(self) -> str:
        runq = f"{self.runq_ms:.0f}" if self.runq_ms >= 0 else "?"
        lines = [f"{self.wall_ms:.0f} ms: loop CPU {self.cpu_ms:.0f} ms, waiting for a core "
                 f"{runq} ms, waiting otherwise (GIL) {self.waiting_ms:.0f} ms"]
        for callback in sorted(self.callbacks, key=lambda c: -c.cpu_ms)[:2]:
            if callback.cpu_ms >= 1:
                lines.append(f"      {callback.cpu_ms:.0f} ms CPU / {callback.wall_ms:.0f} ms wall "
                             f"in {callback.where()}")
        for name, start, end, cpu in self.spans:
            lines.append(f"      meanwhile {name}: {cpu:.0f} ms CPU / "
                         f"{(end - start) * 1000:.0f} ms wall")
        return "\n".join(lines)


# Tasks whose name says little: what they are.
_KNOWN = {"screen_update": "Textual's screen refresh: layout and paint"}


def describe(handle: asyncio.events.Handle) -> str:
    callback = handle._callback
    owner = getattr(callback, "__self__", None)
    if isinstance(owner, asyncio.Task):
        coro = owner.get_coro()
        name = getattr(coro, "__qualname__", repr(coro))
        task = owner.get_name()
        return f"task {task} ({_KNOWN.get(task, name)})"
    return getattr(callback, "__qualname__", None) or repr(callback)


def _summary(frame, depth: int = 3) -> str:
    """The innermost `depth` frames of the project or its libraries, innermost first."""
    parts = []
    while frame is not None and len(parts) < depth:
        path = frame.f_code.co_filename
        if not any(skip in path for skip in _SKIP):
            short = (path.split("site-packages/")[-1] if "site-packages/" in path
                     else os.path.relpath(path, _ROOT))
            parts.append(f"{short}:{frame.f_code.co_name}")
        frame = frame.f_back
    return " < ".join(parts)


def _schedstat_path() -> str | None:
    path = f"/proc/self/task/{threading.get_native_id()}/schedstat"
    return path if os.path.exists(path) else None


class StallTrace:
    """Times the loop's ticks and callbacks while entered (see the module's docstring)."""

    def __init__(self, keep_over: float = 0.001) -> None:
        self.keep_over = keep_over  # callbacks shorter than this (wall, s) are not kept
        self.callbacks: list[Callback] = []
        self.ticks: list[tuple[float, float, float]] = []  # (perf, thread CPU s, run queue s)
        self.spans: list[tuple[str, float, float, float]] = []  # (name, start, end, CPU ms)
        self._current: Counter | None = None
        self._thread_id = threading.get_ident()
        self._schedstat = _schedstat_path()
        self._stop = threading.Event()
        self._original = asyncio.events.Handle._run
        self._restore: list[tuple[object, str, object]] = []

    def _gc(self, phase: str, info: dict) -> None:
        if phase == "start":
            self._gc_start = (time.perf_counter(), time.thread_time())
            return
        start, cpu = self._gc_start
        where = "loop thread" if threading.get_ident() == self._thread_id else "another thread"
        self.spans.append((f"gc of generation {info['generation']} ({where})", start,
                           time.perf_counter(), (time.thread_time() - cpu) * 1000))

    def watch(self, owner, name: str) -> None:
        """Record each call of `owner.name` (any thread) as a span, while entered: what another
        thread was doing during a stall."""
        original = getattr(owner, name)
        label = f"{getattr(owner, '__name__', type(owner).__name__)}.{name}"

        def spanned(*args, **kwargs):
            start, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                self.spans.append((label, start, time.perf_counter(),
                                   (time.thread_time() - cpu) * 1000))

        setattr(owner, name, spanned)
        self._restore.append((owner, name, original))

    def _runq(self) -> float:
        if self._schedstat is None:
            return -1.0
        with open(self._schedstat) as f:
            return int(f.read().split()[1]) / 1e9

    def _tick(self) -> None:
        self.ticks.append((time.perf_counter(), time.thread_time(), self._runq()))

    async def __aenter__(self) -> StallTrace:
        trace, original = self, self._original

        def timed(handle):
            stacks: Counter = Counter()
            trace._current = stacks
            wall, cpu = time.perf_counter(), time.thread_time()
            try:
                return original(handle)
            finally:
                trace._current = None
                end = time.perf_counter()
                if end - wall > trace.keep_over:
                    trace.callbacks.append(Callback(wall, end, (time.thread_time() - cpu) * 1000,
                                                    describe(handle), stacks))

        asyncio.events.Handle._run = timed
        gc.callbacks.append(self._gc)
        self._sampler = threading.Thread(target=self._sample, daemon=True)
        self._sampler.start()
        self._done = asyncio.Event()
        self._ticker = asyncio.create_task(self._run_ticker())
        await asyncio.sleep(0.05)  # the ticker is running before the work starts
        return self

    async def __aexit__(self, *exc) -> None:
        self._done.set()
        await self._ticker
        asyncio.events.Handle._run = self._original
        gc.callbacks.remove(self._gc)
        for owner, name, original in reversed(self._restore):
            setattr(owner, name, original)
        self._stop.set()
        self._sampler.join()

    async def _run_ticker(self) -> None:
        self._tick()
        while not self._done.is_set():
            await asyncio.sleep(TICK)
            self._tick()

    def _sample(self) -> None:
        while not self._stop.wait(SAMPLE_EVERY):
            stacks = self._current
            if stacks is None:
                continue
            frame = sys._current_frames().get(self._thread_id)
            if frame is not None:
                stacks[_summary(frame)] += 1

    @property
    def gaps(self) -> list[float]:
        """How late each tick came, in seconds (bench/logs.py's measure)."""
        return [b[0] - a[0] - TICK for a, b in zip(self.ticks, self.ticks[1:], strict=False)]

    def worst(self) -> Stall:
        gaps = self.gaps
        i = max(range(len(gaps)), key=gaps.__getitem__)
        (t0, cpu0, rq0), (t1, cpu1, rq1) = self.ticks[i], self.ticks[i + 1]
        inside = [c for c in self.callbacks if c.end > t0 and c.start < t1]
        runq = (rq1 - rq0) * 1000 if rq0 >= 0 else -1.0
        spans = [s for s in self.spans if s[2] > t0 and s[1] < t1]
        return Stall(gaps[i] * 1000, (cpu1 - cpu0) * 1000, runq, inside, spans)
