"""What every console screen shares: the header line, and errors that never crash the console.

Workers here run with `exit_on_error=False`; one that fails anyway (a bug, an unexpected
payload) ends up in `on_worker_state_changed`, which turns it into a notification and a log
entry instead of a traceback on the operator's terminal.
"""

from __future__ import annotations

import logging

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from scale_tui.core import clock
from scale_tui.core.connect import mask_url
from scale_tui.core.connection import describe_error
from scale_tui.core.formatting import format_clock
from scale_tui.screens.host import ConsoleHost
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.console_header import ConsoleHeader, HeaderInfo

log = logging.getLogger("scale_tui")


class ConsoleScreen(Screen):
    """A screen of the console: knows the app's profile and reports failed workers."""

    @property
    def console(self) -> ConsoleHost:
        return self.app  # type: ignore[return-value]  # ScaleApp, or a test app hosting a screen

    def make_header(self, context: str = "") -> ConsoleHeader:
        return ConsoleHeader(self.header_info(context=context), id="header")

    def header_info(self, **changes) -> HeaderInfo:
        app = self.console
        info = HeaderInfo(profile=app.profile_name, url=mask_url(app.profile.url),
                          read_only=app.read_only,
                          interval=app.refresh_interval, state="live")
        return HeaderInfo(**{**info.__dict__, **changes})

    def clock_text(self, moment) -> str:
        return format_clock(moment, self.console.tz)

    @property
    def gone(self) -> bool:
        """Popped (its widgets are being removed, or are gone): nothing may draw on it."""
        return self not in self.app.screen_stack

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            log.error("worker %s failed at %s", event.worker.name, clock.now(), exc_info=error)
            if self.gone:
                return  # the user left this screen; a toast about it would only puzzle them
            self.notify(describe_error(error), title="Something went wrong", severity="error",
                        timeout=10)


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
