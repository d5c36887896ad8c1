"""Following a log: when to poll, when the log is complete, how to back off after errors.

The loop knows nothing of HTTP or Textual. It is given ``poll`` (a ``LogFollower.poll`` that
returns the new lines of one 10,000-line page at most), ``check_end`` (has the execution ended?)
and the exception types that mean "stop" and "try again later", and reports to its ``LogTailOwner``.

The rules (docs/scale.md §5 and the product's promises):
- poll every ``interval`` seconds (slower while the console is idle: the owner's
  ``poll_wait``, by the rule in ``scale_tui.core.refresh_policy``); after a (nearly) full page
  ask again at once, so a long log shows page by page instead of after its last page;
- when a poll brings nothing, ask whether the execution has ended; once it has, poll once more
  (lines written just before the end) and stop when that brings nothing;
- after an error wait as long as the owner says (its `Connection`, on the console's one schedule
  in `scale_tui.core.refresh_policy`), so the log comes back within one refresh interval after
  the server does; ``wake()`` (the ``r`` key) tries now.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol

from scale_tui.api import LOG_PAGE_CAP as PAGE_CAP
from scale_tui.core.log_status import POLL_INTERVAL

__all__ = ["LogTail", "LogTailOwner"]

class LogTailOwner(Protocol):
    def take_lines(self, lines: Sequence[object]) -> None:
        """New lines of one poll (maybe none)."""

    def poll_failed(self, error: Exception) -> float:
        """A poll or status check failed; returns the seconds until the next try (the owner's
        `Connection` keeps the count of failures and applies the one schedule)."""

    def tail_stopped(self, error: Exception | None) -> None:
        """No more polling: the log is complete (``None``) or cannot be read (``error``)."""

    def poll_wait(self, interval: float) -> float:
        """Seconds until the next poll of a healthy log polled every ``interval``: longer while
        nobody looks (the console's idle rule, ``scale_tui.core.refresh_policy``)."""


class LogTail:
    """The follow loop of one log; ``run()`` it in a worker, ``wake()`` it from a key."""

    def __init__(
        self,
        owner: LogTailOwner,
        poll: Callable[[], Awaitable[Sequence[object]]],
        *,
        check_end: Callable[[], Awaitable[bool]] | None,
        fatal: tuple[type[Exception], ...],
        retryable: tuple[type[Exception], ...],
    ) -> None:
        self.owner = owner
        self.poll = poll
        self.check_end = check_end
        self.fatal = fatal
        self.retryable = retryable
        self.interval = POLL_INTERVAL
        self.failures = 0
        self._wake = asyncio.Event()

    def wake(self) -> None:
        self._wake.set()

    async def run(self) -> None:
        ended = False
        first = True
        while True:
            try:
                if first and self.check_end is not None:
                    ended = await self.check_end()  # a finished log is then read without pauses
                lines = await self.poll()
                self.failures = 0
                self.owner.take_lines(lines)
                if not lines and self.check_end is not None:
                    ended = await self.check_end()
                if ended and not lines:
                    final = await self.poll()  # lines written between that poll and the end
                    self.owner.take_lines(final)
                    if not final:
                        self.owner.tail_stopped(None)
                        return
                    continue
            except self.fatal as exc:
                self.owner.tail_stopped(exc)
                return
            except self.retryable as exc:
                self.failures += 1
                delay = self.owner.poll_failed(exc)
                await self._sleep(delay)
                continue
            first = False
            if not ended and len(lines) <= PAGE_CAP // 2:
                await self._sleep(self.owner.poll_wait(self.interval))

    async def _sleep(self, seconds: float) -> None:
        self._wake.clear()
        with contextlib.suppress(TimeoutError):  # woken early by r, or the time is up
            await asyncio.wait_for(self._wake.wait(), seconds)
