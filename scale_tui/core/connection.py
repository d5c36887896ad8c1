"""The console's view of its server: live, stale or offline, and when it will try again.

Pure state (no widgets, no timers) so the backoff and the words the header shows can be tested
as plain functions. Times come from the caller (`scale_tui.core.clock.now()` in the console).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from scale_tui.api import Forbidden, NotFound, ScaleAPIError, ScaleConnectionError

# Seconds to wait after 1, 2, 3... failures in a row: quick at first, then gentle on a server
# that is down (an operator may leave the console open for hours).
BACKOFF = (2.0, 4.0, 8.0, 15.0, 30.0, 60.0)


@dataclass
class Connection:
    """What the last requests said about the server."""

    last_ok: datetime | None = None
    failures: int = 0
    problem: str = ""
    retry_at: datetime | None = None
    offline: bool = False
    paused: bool = False

    def succeeded(self, when: datetime) -> None:
        self.last_ok = when
        self.failures = 0
        self.problem = ""
        self.retry_at = None
        self.offline = False

    def failed(self, error: BaseException, when: datetime) -> float:
        """Record a failed refresh; returns the seconds to wait before the next attempt."""
        self.failures += 1
        self.offline = isinstance(error, ScaleConnectionError)
        self.problem = describe_error(error)
        delay = BACKOFF[min(self.failures, len(BACKOFF)) - 1]
        if isinstance(error, Forbidden):
            delay = max(delay, 30.0)  # a wrong token does not fix itself quickly
        self.retry_at = when + timedelta(seconds=delay)
        return delay

    @property
    def healthy(self) -> bool:
        return self.failures == 0

    def state_text(self, now: datetime) -> str:
        """`live`, `paused`, `offline: retrying in 4 s`, `error: retrying in 8 s`."""
        if self.healthy:
            return "paused" if self.paused else ("live" if self.last_ok else "connecting…")
        wait = ""
        if self.retry_at is not None and not self.paused:
            seconds = max(0, round((self.retry_at - now).total_seconds()))
            wait = f": retrying in {seconds} s" if seconds else ": retrying now"
        word = "offline" if self.offline else "error"
        if self.paused:
            return f"{word} (paused)"
        return f"{word}{wait}"

    def stale_text(self, clock: str) -> str:
        """`stale since 12:03:10` once a refresh has failed after data was shown; `clock` is
        `last_ok` already written as HH:MM:SS in the user's zone."""
        if self.healthy or self.last_ok is None:
            return ""
        return f"stale since {clock}"


def describe_error(error: BaseException) -> str:
    """One line for the header and the notification; says what the user can do about it."""
    if isinstance(error, Forbidden):
        return f"{error} (check the profile's token, or whether the user is staff)"
    if isinstance(error, NotFound):
        return f"{error} (is the URL the server root, without /v6?)"
    if isinstance(error, ScaleAPIError | ScaleConnectionError):
        return str(error)
    return f"{type(error).__name__}: {error}"
