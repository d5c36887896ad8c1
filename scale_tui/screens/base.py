"""What every console screen shares: the header line and its freshness, and errors that never
crash the console.

Every live screen keeps one `Connection` (scale_tui/core/connection.py) on the console's one
schedule (scale_tui/core/refresh_policy.py): `refresh_succeeded()` / `refresh_failed()` record
what a refresh said and return the wait before the next one, and the shared header shows it
(a countdown ticks while retrying). A screen whose last refresh failed never says "live".

An unexpected exception in a screen's handler, timer or worker is one line on screen and a
traceback in the log, and the console keeps running (`screens/guard.py`).
"""

from __future__ import annotations

import logging

from textual.screen import Screen

from scale_tui.core import clock
from scale_tui.core.connect import mask_url
from scale_tui.core.connection import Connection, Freshness
from scale_tui.core.formatting import format_clock, zone_label
from scale_tui.screens.guard import Guarded, gone
from scale_tui.screens.host import ConsoleHost
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.console_header import ConsoleHeader, HeaderInfo

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
        return self.app  # type: ignore[return-value]  # ScaleApp, or a test app hosting a screen

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
        log.warning("%s: refresh failed: %s", type(self).__name__, self.connection.problem)
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self.show_freshness, name="retry-countdown")
        self.show_freshness()
        return delay

    def show_freshness(self) -> None:
        refreshed = self.clock_text(self.last_refresh) if self.last_refresh else ""
        for header in self.query(ConsoleHeader):
            header.show_freshness(self.freshness(), refreshed)

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    @property
    def gone(self) -> bool:
        """Popped: nothing may draw on it. Only a worker that still draws itself needs this;
        data posted as `ScreenData` to a popped screen is dropped by the guard."""
        return gone(self)

    def clock_text(self, moment) -> str:
        return format_clock(moment, self.console.tz)



class RefreshingScreen(ConsoleScreen):
    """A screen that reloads itself while it is shown (job details, execution details).

    Subclasses implement `load()`: one refresh, returning the seconds until the next one (None:
    the thing shown can no longer change). Hidden under another screen it polls nothing and
    catches up on return. Popped, it stops for good at once: Textual removes the widgets first
    and cancels the screen's workers only after, so an answer arriving in between would
    otherwise be drawn into widgets that are already gone.
    """

    REFRESH_GROUP = "details"

    def __init__(self) -> None:
        super().__init__()
        self.loop: RefreshLoop | None = None

    async def load(self) -> float | None:
        raise NotImplementedError

    def refresh_failed_with(self, error: BaseException, show) -> float:
        """`refresh_failed`, then `show(error, first)` says it on the screen (`first`: the
        first failure in a row, worth a notification)."""
        first = self.connection.healthy
        delay = self.refresh_failed(error)
        show(error, first)
        return delay

    def on_mount(self) -> None:
        # Textual calls every class's on_mount, the subclass's first: its widgets are set up.
        self.loop = RefreshLoop(self, self.load, self.console.refresh_interval,
                                group=self.REFRESH_GROUP)
        self.loop.now()

    def on_screen_suspend(self) -> None:
        if self.loop is None:
            return
        if self.gone:
            self.loop.stop()
            self.workers.cancel_node(self)  # input files and the like, too
        else:
            self.loop.suspend()

    def on_screen_resume(self) -> None:
        if self.loop is not None:
            self.loop.resume()

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_refresh(self) -> None:
        if self.loop is not None:
            self.loop.now()
