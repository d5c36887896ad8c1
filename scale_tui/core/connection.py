"""The console's view of its server: live, retrying, stale, offline or forbidden.

One state object per live screen (jobs, job details, execution details, the log view), all
following the one schedule of `scale_tui.core.refresh_policy`; the shared header
(`widgets/console_header.py`) shows what `freshness()` says. Pure state (no widgets, no timers),
so the words and the waits are tested as plain functions. Times come from the caller
(`scale_tui.core.clock.now()` in the console).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from scale_tui.api import Forbidden, NotFound, ScaleAPIError, ScaleConnectionError
from scale_tui.core.refresh_policy import DEFAULT_POLICY, RefreshPolicy

__all__ = ["Connection", "Freshness", "describe_error"]


@dataclass(frozen=True)
class Freshness:
    """What the header says about the data on a screen, as plain words.

    ``level`` is one of ``connecting | live | paused | retrying | offline | forbidden`` (the
    header picks its colour from it); ``state`` the words (``live``, ``offline: retrying in
    4 s``); ``stale`` is ``stale since 12:03:10`` while the data shown is older than the last
    failed refresh, else ''."""

    level: str
    state: str
    stale: str = ""

    @property
    def is_live(self) -> bool:
        return self.level == "live"


@dataclass
class Connection:
    """What the last refreshes of one screen said about the server."""

    policy: RefreshPolicy = field(default=DEFAULT_POLICY)
    last_ok: datetime | None = None
    failures: int = 0
    problem: str = ""
    retry_at: datetime | None = None
    offline: bool = False
    forbidden: bool = False
    paused: bool = False

    def succeeded(self, when: datetime) -> None:
        self.last_ok = when
        self.failures = 0
        self.problem = ""
        self.retry_at = None
        self.offline = False
        self.forbidden = False

    def failed(self, error: BaseException, when: datetime) -> float:
        """Record a failed refresh; returns the seconds to wait before the next attempt."""
        self.failures += 1
        self.offline = isinstance(error, ScaleConnectionError)
        self.forbidden = isinstance(error, Forbidden)
        self.problem = describe_error(error)
        delay = self.policy.retry_in(self.failures)
        self.retry_at = when + timedelta(seconds=delay)
        return delay

    def failed_for_good(self, error: BaseException) -> None:
        """A failure no retry will mend (the thing shown is gone): no countdown."""
        self.failures += 1
        self.offline = self.forbidden = False
        self.problem = describe_error(error)
        self.retry_at = None

    @property
    def healthy(self) -> bool:
        return self.failures == 0

    @property
    def level(self) -> str:
        if self.healthy:
            if self.paused:
                return "paused"
            return "live" if self.last_ok else "connecting"
        if self.offline:
            return "offline"
        return "forbidden" if self.forbidden else "retrying"

    def state_text(self, now: datetime) -> str:
        """`live`, `paused`, `offline: retrying in 4 s`, `error: retrying in 2 s`,
        `forbidden (403): retrying in 5 s`."""
        if self.healthy:
            return "paused" if self.paused else ("live" if self.last_ok else "connecting…")
        word = "offline" if self.offline else "forbidden (403)" if self.forbidden else "error"
        if self.paused:
            return f"{word} (paused)"
        if self.retry_at is None:
            return word
        seconds = max(0, round((self.retry_at - now).total_seconds()))
        return f"{word}: retrying in {seconds} s" if seconds else f"{word}: retrying now"

    def stale_text(self, clock: str) -> str:
        """`stale since 12:03:10` once a refresh has failed after data was shown; `clock` is
        `last_ok` already written as HH:MM:SS in the user's zone."""
        if self.healthy or self.last_ok is None:
            return ""
        return f"stale since {clock}"

    def freshness(self, now: datetime, clock: str) -> Freshness:
        """Everything the header says, at ``now`` (`clock`: see `stale_text`)."""
        return Freshness(self.level, self.state_text(now), self.stale_text(clock))


def describe_error(error: BaseException) -> str:
    """One line for the header and the notification; says what the user can do about it."""
    if isinstance(error, Forbidden):
        return f"{error} (check the profile's token, or whether the user is staff)"
    if isinstance(error, NotFound):
        return f"{error} (is the URL the server root, without /v6?)"
    if isinstance(error, ScaleAPIError | ScaleConnectionError):
        return str(error)
    return f"{type(error).__name__}: {error}"
