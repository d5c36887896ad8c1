"""A periodic refresh with one request in flight at a time.

The next refresh is armed only when the current one finishes (Dolphie's approach), so a server
slower than the interval never piles requests up. `now()` skips when a refresh is already running
(the user pressed `r` twice); `restart()` cancels it and starts over (the filter changed, so the
running one is stale and the latest filter must win).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from textual.dom import DOMNode
from textual.timer import Timer
from textual.worker import Worker

Load = Callable[[], Awaitable[float | None]]
"""One refresh; returns the seconds until the next one (None: do not re-arm)."""


class RefreshLoop:
    def __init__(self, owner: DOMNode, load: Load, interval: float, *, group: str) -> None:
        self.owner = owner
        self.load = load
        self.interval = interval
        self.group = group
        self.paused = False
        self.suspended = False  # the screen is not visible: poll nothing
        self.worker: Worker | None = None
        self._timer: Timer | None = None
        self._pending = False  # a refresh came due while suspended or paused

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.is_running

    @property
    def owed(self) -> bool:
        """A refresh came due while suspended or paused: it runs on resume."""
        return self._pending

    def now(self) -> None:
        """Refresh at once unless one is already in flight."""
        if not self.running:
            self._start()

    def restart(self) -> None:
        """Cancel a refresh in flight (its answer is stale) and start a new one."""
        if self.worker is not None and self.worker.is_running:
            self.worker.cancel()
        self._start()

    def pause(self, paused: bool) -> None:
        self.paused = paused
        if paused:
            self._stop_timer()
        elif not self.suspended:
            self.now()

    def suspend(self) -> None:
        """The screen is hidden: poll nothing until `resume()`."""
        self.suspended = True
        if self._timer is not None:
            self._pending = True  # a refresh was due later: it is owed on return
        self._stop_timer()

    def resume(self) -> None:
        """The screen is shown again: refresh at once if one came due meanwhile."""
        self.suspended = False
        if self._pending and not self.paused:
            self._pending = False
            self.now()

    def stop(self) -> None:
        self._stop_timer()
        if self.worker is not None:
            self.worker.cancel()

    def _start(self) -> None:
        self._stop_timer()
        # The function, not a coroutine: a refresh cancelled before it starts leaves nothing
        # un-awaited behind.
        self.worker = self.owner.run_worker(self._run, group=self.group, exclusive=True,
                                            exit_on_error=False, name=self.group)

    async def _run(self) -> None:
        try:
            delay = await self.load()
        except Exception:
            # A bug in one refresh must not end live refresh: keep going, and let the worker
            # error reach the screen's handler (a notification, not a crash).
            self._arm(self.interval)
            raise
        # Reached only if this refresh was not cancelled: a cancelled one's successor re-arms.
        if delay is not None:
            self._arm(delay)

    def _arm(self, delay: float) -> None:
        self._stop_timer()
        self._timer = self.owner.set_timer(delay, self._due, name=f"{self.group}-timer")

    def _due(self) -> None:
        self._timer = None
        if self.paused or self.suspended:
            self._pending = True
            return
        self.now()

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
