"""What every console screen shares: the header line and its freshness, and errors that never
crash the console.

Every live screen keeps one `Connection` (scale_tui/core/connection.py) on the console's one
schedule (scale_tui/core/refresh_policy.py): `refresh_succeeded()` / `refresh_failed()` record
what a refresh said and return the wait before the next one, and the shared header shows it
(a countdown ticks while retrying). A screen whose last refresh failed never says "live".

An unexpected exception in a screen's handler, timer or worker is one line on screen and a
traceback in the log, and the console keeps running (`widgets/guard.py`).
"""

from __future__ import annotations

import logging
from dataclasses import replace
from typing import Any

from textual.screen import Screen

from scale_tui.api import NotFound, ScaleError
from scale_tui.core import clock
from scale_tui.core.connect import mask_url
from scale_tui.core.connection import Connection, Freshness
from scale_tui.core.formatting import format_clock, zone_label
from scale_tui.screens.host import ConsoleHost, console_of
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.console_header import ConsoleHeader, HeaderInfo
from scale_tui.widgets.guard import Guarded, ScreenData

log = logging.getLogger("scale_tui")


class ConsoleScreen(Guarded, Screen):
    """A screen of the console: knows the app's profile and reports failed workers."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.connection = Connection()
        self.last_refresh = None
        self._ticker = None

    @property
    def console(self) -> ConsoleHost:
        return console_of(self)  # ScaleApp, or a test app hosting a screen

    def from_current_server(self, client: object) -> bool:
        """Whether an answer a worker posted came through today's client: one from a server
        the console has since left (a profile switch, the demo stub's arrival) is dropped."""
        return client is self.console.client

    def make_header(self, context: str = "", **changes) -> ConsoleHeader:
        self.connection.policy = self.console.refresh_policy
        return ConsoleHeader(self.header_info(context=context, **changes), id="header")

    def header_info(self, **changes) -> HeaderInfo:
        app = self.console
        facts = app.cluster
        info = HeaderInfo(profile=app.profile_name, url=mask_url(app.profile.url),
                          read_only=app.read_only, interval=app.refresh_interval,
                          freshness=self.freshness(), zone=zone_label(app.tz, clock.now()),
                          version=facts.version, scheduler_paused=facts.scheduler_paused)
        return HeaderInfo(**{**info.__dict__, **changes})

    # ---- freshness: one state object, one indicator

    def freshness(self) -> Freshness:
        """What the header says about this screen's data now (a screen may add states)."""
        conn = self.connection
        stale = self.clock_text(conn.last_ok) if conn.last_ok else ""
        return conn.freshness(clock.now(), stale)

    def refresh_succeeded(self) -> None:
        """A refresh brought data: live again (and say so if it was not)."""
        self.last_refresh = clock.now()
        self.connection.succeeded(self.last_refresh)
        self._stop_ticker()
        self.show_freshness()

    def refresh_failed(self, error: BaseException) -> float:
        """A refresh failed: the data on screen stays, marked stale; returns the seconds until
        the next try (the one schedule), while the header counts them down."""
        delay = self.connection.failed(error, clock.now())
        self.show_failure()
        return delay

    def show_failure(self) -> None:
        """Say that the last refresh failed (`connection.failed` has recorded it)."""
        log.warning("%s: refresh failed: %s", type(self).__name__, self.connection.problem)
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self.show_freshness, name="retry-countdown")
        self.show_freshness()

    def show_identity(self) -> None:
        """The app's server changed (a profile switch, the demo's stub came up): redraw who the
        header names (profile, URL, READ-ONLY, interval, zone, cluster facts) and forget when
        the other server was last refreshed, keeping what only this screen knows (its context
        line, its pace)."""
        app_side = self.header_info()
        for header in self.query(ConsoleHeader):
            header.show(replace(header.info, profile=app_side.profile, url=app_side.url,
                                read_only=app_side.read_only, interval=app_side.interval,
                                zone=app_side.zone, version=app_side.version,
                                scheduler_paused=app_side.scheduler_paused, refreshed=""))

    def show_freshness(self) -> None:
        refreshed = self.clock_text(self.last_refresh) if self.last_refresh else ""
        for header in self.query(ConsoleHeader):
            header.show_freshness(self.freshness(), refreshed)

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    def clock_text(self, moment) -> str:
        return format_clock(moment, self.console.tz)

    # ---- idle (core/refresh_policy.py): a screen that follows the rule slows down and says so

    def activity_changed(self, woke: bool) -> None:
        """The operator left or came back (the app calls it on the visible screen): a live
        screen says so in its header and, back, refreshes at once. Nothing by default."""

    def poll_wait(self, interval: float) -> float:
        """Seconds until the next poll of a healthy screen that polls every `interval`: the
        idle pace while nobody looks (the terminal lost focus, or no key for 10 minutes). Pure:
        a refresh worker may ask; the header is told by `show_idle` (`activity_changed`)."""
        policy = self.console.refresh_policy.with_interval(interval)
        return policy.wait(idle=self.console.idle)

    def show_idle(self) -> None:
        """Say in the header whether the console is idle and so refreshes slowly."""
        words = self.console.refresh_policy.idle_text() if self.console.idle else ""
        for header in self.query(ConsoleHeader):
            header.show_pace(words, header.info.counts)



class RefreshingScreen(ConsoleScreen):
    """A screen that reloads itself while it is shown (job details, execution details).

    Worker -> message -> handler: the refresh worker runs `fetch()` (requests only, no widget)
    and posts what came back as a `Fetched` message; its handler draws (`show`, `show_problem`,
    `show_missing`). A message to a popped screen is dropped (`widgets/guard.py`), so a late
    answer never reaches widgets that are gone. Hidden under another screen it polls nothing
    and catches up on return.
    """

    REFRESH_GROUP = "details"

    class Fetched(ScreenData):
        """One refresh's outcome: `data`, or `error` (`first`: the first failure in a row;
        `missing`: the thing shown does not exist, no retry)."""

        def __init__(self, data: Any = None, *, error: BaseException | None = None,
                     first: bool = False, missing: bool = False) -> None:
            super().__init__()
            self.data, self.error, self.first, self.missing = data, error, first, missing

    def __init__(self) -> None:
        super().__init__()
        self.loop: RefreshLoop | None = None

    async def fetch(self) -> Any:
        """The requests of one refresh (in the worker: touch no widget)."""
        raise NotImplementedError

    def next_refresh(self, data: Any) -> float | None:
        """Seconds until the next refresh after `data` (None: it can no longer change); slower
        while the console is idle (core/refresh_policy.py, the jobs screen's rule)."""
        return self.connection.policy.wait(idle=self.console.idle)

    def show(self, data: Any) -> None:
        raise NotImplementedError

    def show_problem(self, error: BaseException, first: bool) -> None:
        """The screen's own words about a failed refresh (the header already says it)."""

    def show_missing(self, error: BaseException) -> None:
        """The thing shown does not exist (404)."""

    async def load(self) -> float | None:
        """One refresh, in the refresh worker: returns the seconds until the next one."""
        try:
            data = await self.fetch()
        except NotFound as exc:
            self.connection.failed_for_good(exc)
            self.post_message(self.Fetched(error=exc, missing=True))
            return None
        except ScaleError as exc:
            first = self.connection.healthy
            delay = self.connection.failed(exc, clock.now())
            self.post_message(self.Fetched(error=exc, first=first))
            return delay
        self.post_message(self.Fetched(data))
        return self.next_refresh(data)

    def on_refreshing_screen_fetched(self, message: Fetched) -> None:
        self.show_idle()
        if message.error is None:
            self.refresh_succeeded()
            self.show(message.data)
        elif message.missing:
            self.show_freshness()
            self.show_missing(message.error)
        else:
            self.show_failure()
            self.show_problem(message.error, message.first)

    def on_mount(self) -> None:
        # Textual calls every class's on_mount, the subclass's first: its widgets are set up.
        self.loop = RefreshLoop(self, self.load, self.console.refresh_interval,
                                group=self.REFRESH_GROUP)
        self.loop.now()

    def on_screen_suspend(self) -> None:
        # Popped or covered: poll nothing. A popped screen is then removed, and Textual cancels
        # its workers (refresh, input files) and timers as it unmounts (Widget._on_unmount).
        if self.loop is not None:
            self.loop.suspend()

    def on_screen_resume(self) -> None:
        if self.loop is not None:
            self.loop.resume()

    def activity_changed(self, woke: bool) -> None:
        """The operator left or came back (ScaleApp): the header says whether the screen is
        idle; back, it refreshes at once and then at the normal rate."""
        self.show_idle()
        if woke and self.loop is not None and not self.loop.paused \
                and not self.loop.suspended:
            self.loop.now()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        if self.loop is not None:
            self.loop.now()
