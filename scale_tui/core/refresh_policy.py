"""When to ask the server again: the one retry and refresh schedule of the console.

Every live screen (jobs, job details, execution details, the log view) and the HTTP layer's
in-request retries of a GET take their numbers from here; nothing else decides how long to wait.

The rules (issue 11):
- a healthy screen refreshes every ``interval`` seconds (the profile's ``refresh_interval``);
- after a failure it tries again after ``first_retry`` seconds, doubling with each failure in a
  row, but never waiting longer than ``interval``: a screen comes back at most one refresh
  interval after the server does. A 403 follows the same rule (a token fixed on the server is
  picked up as quickly as a server that came back);
- a manual refresh (``r``) always tries at once, whatever the schedule says (the screens do that:
  the schedule only says how long to wait when nobody asks);
- inside one request, a GET that could not reach the server (or met 502/503/504) is sent again up
  to ``request_tries`` times in all, ``request_backoff`` seconds apart, doubling. Those waits are
  short (0.2 s, 0.4 s) so they end long before the next scheduled try.

Good citizenship (issue 15): every list request is a COUNT(*) plus a page query on Scale's job
table, and consoles are left open all day.
- idle: the terminal lost focus (Textual's app blur), or no key was pressed for ``idle_after``
  seconds. An idle screen refreshes every ``idle_interval`` seconds and says so in the header
  (``idle_text``); the next key or focus ends it at once, with an immediate refresh;
- the per-status counts of the jobs screen (7 requests) are asked again only when the filter
  changed, or when the page itself changed and the last counts are ``counts_interval`` seconds
  old; never while idle. So an idle jobs screen sends 12 pages a minute plus at most 7 counts
  every 150 s (under 15 a minute), and 1 a minute once idle.

Plain data (no timers, no widgets), so the schedule is tested as a function. Extend it here (an
idle slow-down, say) rather than next to a screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

__all__ = ["DEFAULT_POLICY", "Activity", "RefreshPolicy"]

_MAX_DOUBLINGS = 16  # 2 ** 16 * first_retry is far past any cap: keeps the power small


@dataclass(frozen=True)
class RefreshPolicy:
    """The schedule: how often a live screen refreshes and how it retries after failures."""

    interval: float = 5.0
    """Seconds between two refreshes of a healthy live screen; also the longest retry wait."""
    first_retry: float = 2.0
    """Seconds to wait after the first failure in a row; doubled for each further one."""
    request_tries: int = 3
    """Tries of one GET inside the HTTP layer (connection failures, 502/503/504)."""
    request_backoff: float = 0.2
    """Seconds before the second try of a GET; doubled before each further one."""

    idle_after: float = 600.0
    """Seconds without a key after which the console is idle."""
    idle_interval: float = 60.0
    """Seconds between two refreshes while idle (never shorter than ``interval``)."""
    counts_interval: float = 150.0
    """Least seconds between two refreshes of the per-status counts of an unchanged filter."""

    def with_interval(self, interval: float) -> RefreshPolicy:
        return replace(self, interval=interval)

    def next_refresh(self) -> float:
        """Seconds until the next refresh of a healthy screen."""
        return self.interval

    def retry_in(self, failures: int) -> float:
        """Seconds to wait after ``failures`` failures in a row (0: a healthy screen's wait).

        Doubling from ``first_retry``, capped at ``interval``: never longer than one refresh
        interval, so a screen sees a recovered server within one interval."""
        if failures <= 0:
            return self.next_refresh()
        wait = self.first_retry * 2 ** min(failures - 1, _MAX_DOUBLINGS)
        return min(self.interval, wait)

    def idle_wait(self) -> float:
        """Seconds between two refreshes of an idle screen."""
        return max(self.interval, self.idle_interval)

    def wait(self, *, idle: bool) -> float:
        """Seconds until the next refresh of a healthy screen, idle or not."""
        return self.idle_wait() if idle else self.next_refresh()

    def idle_text(self) -> str:
        """What the header says while idle."""
        return f"idle: refreshing every {self.idle_wait():g} s"

    def counts_due(self, *, filter_changed: bool, page_changed: bool, age: float | None,
                   idle: bool) -> bool:
        """Whether the per-status counts are asked again after a page refresh. ``age``: seconds
        since the last counts (None: none yet)."""
        if filter_changed or age is None:
            return True
        if idle or not page_changed:
            return False  # nothing on the page moved: the counts most likely did not either
        return age >= self.counts_interval

    def request_wait(self, attempt: int) -> float:
        """Seconds before try ``attempt + 1`` of one GET (``attempt`` counts from 1), before
        jitter."""
        return self.request_backoff * 2 ** min(max(attempt, 1) - 1, _MAX_DOUBLINGS)

    def client_options(self) -> dict[str, float]:
        """``ScaleClient`` keyword arguments for the in-request retries."""
        return {"max_tries": self.request_tries, "backoff": self.request_backoff}


@dataclass
class Activity:
    """Whether the operator is there: the terminal's focus and the time of the last key."""

    last_key: datetime
    focused: bool = True

    def key(self, policy: RefreshPolicy, when: datetime) -> bool:
        """A key was pressed; True if that ended an idle spell (the screen refreshes at once)."""
        was_idle = self.idle(policy, when)
        self.last_key = when
        self.focused = True  # a key reaches us only through a focused terminal
        return was_idle

    def focus(self, focused: bool, policy: RefreshPolicy, when: datetime) -> bool:
        """The terminal gained or lost focus; True if gaining it ended an idle spell."""
        was_idle = self.idle(policy, when)
        self.focused = focused
        if focused:
            self.last_key = when  # coming back to the terminal is activity
        return focused and was_idle

    def idle(self, policy: RefreshPolicy, now: datetime) -> bool:
        return not self.focused or (now - self.last_key).total_seconds() >= policy.idle_after


DEFAULT_POLICY = RefreshPolicy()
"""The schedule with the profile's default ``refresh_interval``; scripts use it as it is."""
