"""The fleet: every configured cluster checked on its own, in one word and a few numbers.

Plain logic shared by the fleet screen and `scale-tui fleet`: which profiles make the fleet,
what one check asks a cluster (`probe`), how a failure becomes one word (`state_of`), and the
loop that keeps one cluster's row current (`watch`). Never imports textual or rich.

Each cluster is checked by its own task with its own client, and a whole check is bounded by
that profile's `timeout`: a cluster that hangs or is down costs its own row that long and never
delays another's.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from time import perf_counter
from typing import Any

from scale_tui.api import (
    Forbidden,
    JobFilter,
    ScaleClient,
    ScaleConnectionError,
    ScaleError,
    ScaleTimeout,
    ScaleTLSError,
)
from scale_tui.core import clock, triage
from scale_tui.core.config import Profile, read_config
from scale_tui.core.connect import ConfigError, make_client
from scale_tui.core.connection import describe_error
from scale_tui.core.refresh_policy import RefreshPolicy

# One word a state, the same in the console and in `scale-tui fleet`.
WAITING, LIVE, OFFLINE, FORBIDDEN, TLS, TIMEOUT, ERROR = (
    "waiting", "live", "offline", "403", "tls", "timeout", "error")
STATES = (WAITING, LIVE, OFFLINE, FORBIDDEN, TLS, TIMEOUT, ERROR)
HOURS = 24
FAILURE_PAGE = 1000
"""The 24-hour sparkline is drawn from at most this many of the newest failures (one request);
a cluster failing more than that in a day is marked `failures_partial`."""
STAGGER = 0.25
"""Seconds between the first checks of two clusters, so they do not all start at once."""


@dataclass(frozen=True)
class ClusterStatus:
    """What the last check of one cluster found. Counts are None until a check succeeds."""

    profile: str
    url: str
    read_only: bool = False
    state: str = WAITING
    """One of STATES."""
    version: str | None = None
    scheduler_paused: bool | None = None
    running: int | None = None
    queued: int | None = None
    failed_1h: int | None = None
    failures_24h: tuple[int, ...] = ()
    """Failures per hour over the last 24 hours, oldest hour first."""
    failures_partial: bool = False
    last_failure: datetime | None = None
    latency_ms: float | None = None
    """How long `GET /v6/version/` took (the lightest request Scale serves)."""
    error: str = ""
    checked: datetime | None = None

    @property
    def live(self) -> bool:
        return self.state == LIVE

    def to_json(self) -> dict[str, Any]:
        """The entry `scale-tui fleet --output json` prints (a stable shape for scripts)."""
        return {
            "profile": self.profile,
            "url": self.url,
            "read_only": self.read_only,
            "state": self.state,
            "version": self.version,
            "scheduler_paused": self.scheduler_paused,
            "counts": {"RUNNING": self.running, "QUEUED": self.queued,
                       "FAILED_1h": self.failed_1h},
            "failures_24h": list(self.failures_24h),
            "failures_partial": self.failures_partial,
            "last_failure": self.last_failure.isoformat() if self.last_failure else None,
            "latency_ms": None if self.latency_ms is None else round(self.latency_ms, 1),
            "error": self.error or None,
            "checked": self.checked.isoformat() if self.checked else None,
        }


@dataclass(frozen=True)
class Member:
    """One cluster of the fleet: a profile by name."""

    name: str
    profile: Profile
    from_config: bool = True
    """Switching to it re-reads the config file (as the profile switcher does); the demo
    fleet's members are complete as given."""
    problem: str = ""
    """Why the config file's profile cannot be used (a bad safety setting): never checked, its
    row says this instead (fail closed)."""

    def waiting(self) -> ClusterStatus:
        url = "" if self.problem else self.profile.url
        return ClusterStatus(self.name, url, bool(self.profile.read_only))

    def unusable(self, problem: str, now: datetime) -> ClusterStatus:
        return replace(self.waiting(), state=ERROR, error=problem, checked=now)


def configured_members() -> list[Member]:
    """Every profile of the config file, by name, the unusable ones too (the caller falls back
    on the effective profile when there is none, so a fleet of one still works). Raises
    ConfigError when the file itself cannot be read."""
    loaded = read_config()
    members = {name: Member(name, profile) for name, profile in loaded.config.profiles.items()}
    for name, problem in loaded.broken.items():
        members[name] = Member(name, Profile(), problem=problem)
    return [members[name] for name in sorted(members)]


def client_for(member: Member) -> ScaleClient:
    """The client for checking `member`: the console's one way from a profile to a client
    (core/connect.py; a ConfigError when its token or CA bundle cannot be honoured), with one
    try a request (the next check is the retry)."""
    return make_client(member.profile, member.name, max_tries=1)


def state_of(error: BaseException) -> str:
    """The one word for a failed check."""
    if isinstance(error, TimeoutError | ScaleTimeout):
        return TIMEOUT
    if isinstance(error, ScaleTLSError):
        return TLS
    if isinstance(error, ScaleConnectionError):
        return OFFLINE
    if isinstance(error, Forbidden):
        return FORBIDDEN
    return ERROR


def failure_windows(now: datetime) -> tuple[triage.Window, triage.Window]:
    """The last hour and the last 24 hours, ending `now`: the same failures, counted by the same
    rule (`core/triage.py`: FAILED, not superseded, by last_modified), as triage shows."""
    return (triage.Window(now - timedelta(hours=1), now, "1h"),
            triage.Window(now - timedelta(hours=HOURS), now, "24h"))


Timer = Callable[[], float]


async def probe(member: Member, client: ScaleClient, *, now: datetime,
                timer: Timer | None = None) -> ClusterStatus:
    """Check one cluster: version (and latency), scheduler, RUNNING, QUEUED, FAILED in the last
    hour, and the last 24 hours' failures. Never raises for what the server does; the whole
    check is bounded by the profile's timeout."""
    base = member.waiting()
    try:
        async with asyncio.timeout(member.profile.timeout):
            return await _ask(base, client, now, timer or perf_counter)
    except TimeoutError:
        seconds = f"{member.profile.timeout:g}"
        return replace(base, state=TIMEOUT, checked=now,
                       error=f"no answer from {member.profile.url} within {seconds} s")
    except ScaleError as exc:
        return replace(base, state=state_of(exc), error=describe_error(exc), checked=now)


async def _ask(base: ClusterStatus, client: ScaleClient, now: datetime,
               timer: Timer) -> ClusterStatus:
    started = timer()
    version = await client.get_version()
    latency_ms = (timer() - started) * 1000
    hour, day = failure_windows(now)
    scheduler, running, queued, failed_1h, failures = await _together(
        client.get_scheduler(),
        client.list_jobs(JobFilter(status=["RUNNING"]), page_size=1),
        client.list_jobs(JobFilter(status=["QUEUED"]), page_size=1),
        client.list_jobs(triage.failed_filter(hour), page_size=1),
        client.list_jobs(triage.failed_filter(day), page_size=FAILURE_PAGE),
    )
    newest = failures.results[0] if failures.results else None  # newest first
    text = version.get("version")
    return replace(
        base, state=LIVE, checked=now, latency_ms=latency_ms,
        version=str(text) if text is not None else None,
        scheduler_paused=scheduler.is_paused,
        running=running.count, queued=queued.count, failed_1h=failed_1h.count,
        failures_24h=tuple(triage.all_buckets(failures.results, day, HOURS)),
        failures_partial=failures.count > len(failures.results),
        last_failure=triage.failure_time(newest, day) if newest is not None else None,
    )


async def _together(*calls: Awaitable[Any]) -> list[Any]:
    """Every call at once; the first failure cancels the rest (their answers would be unused)."""
    tasks = [asyncio.ensure_future(call) for call in calls]
    try:
        return await asyncio.gather(*tasks)
    finally:
        for task in tasks:
            task.cancel()


async def check_all(members: Sequence[Member], *, now: datetime,
                    timer: Timer | None = None) -> list[ClusterStatus]:
    """One check of every member at once (for `scale-tui fleet`), in the members' order. Takes
    as long as the slowest cluster's timeout at most."""

    async def one(member: Member) -> ClusterStatus:
        if member.problem:
            return member.unusable(member.problem, now)
        try:
            client = client_for(member)
        except ConfigError as exc:
            return member.unusable(str(exc), now)
        async with client:
            return await probe(member, client, now=now, timer=timer)

    return list(await asyncio.gather(*(one(member) for member in members)))


Report = Callable[[ClusterStatus], Any]


@dataclass
class Watch:
    """How the console keeps one cluster's row current: check, report, wait, again. The waits
    are the console's one schedule (core/refresh_policy.py): `interval` while the cluster
    answers, the retry schedule (sooner, doubling up to `interval`) while it does not."""

    member: Member
    report: Report
    policy: RefreshPolicy
    delay: float = 0.0
    """Seconds before the first check (the stagger)."""
    now: Callable[[], datetime] = clock.now
    timer: Timer | None = None
    wakeup: asyncio.Event = field(default_factory=asyncio.Event)
    failures: int = 0
    idle: Callable[[], bool] = lambda: False
    """Whether nobody is looking (core/refresh_policy.py): a live cluster is then checked at the
    idle pace; `check_now` on the operator's return."""

    def check_now(self) -> None:
        """Cut the current wait short (the `r` key)."""
        self.wakeup.set()

    async def run(self) -> None:
        if self.delay > 0:
            await self._wait(self.delay)
        try:
            if self.member.problem:
                raise ConfigError(self.member.problem)
            client = client_for(self.member)
        except ConfigError as exc:
            self.report(self.member.unusable(str(exc), self.now()))
            return
        async with client:
            while True:
                status = await probe(self.member, client, now=self.now(), timer=self.timer)
                self.failures = 0 if status.live else self.failures + 1
                self.report(status)
                wait = (self.policy.wait(idle=self.idle()) if status.live
                        else self.policy.retry_in(self.failures))
                await self._wait(wait)

    async def _wait(self, seconds: float) -> None:
        self.wakeup.clear()
        try:
            async with asyncio.timeout(seconds):
                await self.wakeup.wait()
        except TimeoutError:
            pass


def staggered(members: Sequence[Member], report: Report, *, policy: RefreshPolicy,
              now: Callable[[], datetime] = clock.now, stagger: float = STAGGER,
              timer: Timer | None = None,
              idle: Callable[[], bool] = lambda: False) -> list[Watch]:
    """One Watch a member, the first checks `stagger` seconds apart (never more than one
    interval in all)."""
    step = min(stagger, policy.interval / max(1, len(members)))
    return [Watch(member, report, policy, delay=index * step, now=now, timer=timer, idle=idle)
            for index, member in enumerate(members)]


def summary(statuses: Sequence[ClusterStatus]) -> str:
    """`2 of 3 live` for the header and the script's last line."""
    live = sum(1 for status in statuses if status.live)
    return f"{live} of {len(statuses)} live"


def as_json(statuses: Sequence[ClusterStatus]) -> list[dict[str, Any]]:
    return [status.to_json() for status in statuses]

