"""What every console screen shares: the header line, and errors that never crash the console.

Workers here run with `exit_on_error=False`; one that fails anyway (a bug, an unexpected
payload) ends up in `on_worker_state_changed`, which turns it into a notification and a log
entry instead of a traceback on the operator's terminal.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.worker import Worker, WorkerState

from scale_tui import clock
from scale_tui.widgets.connection import describe_error
from scale_tui.widgets.console_header import ConsoleHeader, HeaderInfo
from scale_tui.widgets.formatting import format_clock

if TYPE_CHECKING:
    from scale_tui.app import ScaleApp

log = logging.getLogger("scale_tui")


class ConsoleScreen(Screen):
    """A screen of the console: knows the app's profile and reports failed workers."""

    @property
    def console(self) -> ScaleApp:
        return self.app  # type: ignore[return-value]

    def make_header(self, context: str = "") -> ConsoleHeader:
        return ConsoleHeader(self.header_info(context=context), id="header")

    def header_info(self, **changes) -> HeaderInfo:
        app = self.console
        info = HeaderInfo(profile=app.profile_name, url=app.profile.url, read_only=app.read_only,
                          interval=app.refresh_interval, state="live")
        return HeaderInfo(**{**info.__dict__, **changes})

    def clock_text(self, moment) -> str:
        return format_clock(moment, self.console.tz)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            error = event.worker.error
            log.error("worker %s failed at %s", event.worker.name, clock.now(), exc_info=error)
            self.notify(describe_error(error), title="Something went wrong", severity="error",
                        timeout=10)
