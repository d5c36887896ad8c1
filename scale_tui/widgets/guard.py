"""Never die silently: an unexpected exception is one line on screen and a traceback in the log.

Textual ends the whole app on any exception a handler, a timer callback or a worker lets out
(`App._handle_exception`), and a message pump whose handler raised stops reading its queue for
good. `Guarded` is mixed into every console screen, dialog, the app itself and each of the
console's widgets that has handlers, key actions or timers (a widget's own handler, such as
`FilterBar.on_input_changed`, runs in the widget's pump, not its screen's), and catches at the
three places their code runs:

- message handlers, key actions and `call_later` callbacks: `_dispatch_message` (the one place a
  pump calls them; a failure there is reported and the pump keeps reading its queue);
- timer callbacks: `set_timer` / `set_interval` wrap the callback;
- workers: every worker runs with `exit_on_error=False`, and a failed one arrives here as
  `Worker.StateChanged` (ERROR).

A report is one notification, "<what failed>: <error> — details in <log file>", and the
traceback in the console's log file (`cli._setup_logging`). What still reaches
`App._handle_exception` (a handler of one of Textual's own widgets, a bug in Textual) ends the
console with a non-zero exit code and the traceback in the log (`ScaleApp._handle_exception`).

It lives with the widgets, the lowest layer that is Textual, so widgets can use it; screens and
the app import it from here.

Screens post their data as `ScreenData` messages; one sent to a screen that has been popped is
dropped here, so no handler ever draws into widgets that are gone.
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from logging import FileHandler
from typing import Any

from textual.message import Message
from textual.message_pump import MessagePump
from textual.screen import Screen
from textual.widget import Widget
from textual.worker import Worker, WorkerState

from scale_tui.core.connection import describe_error

log = logging.getLogger("scale_tui")

__all__ = ["Guarded", "ScreenData", "gone", "log_file", "report_unexpected"]


class ScreenData(Message, bubble=False):
    """Data a worker hands to its screen's handlers (dropped if the screen is gone)."""


def log_file() -> str:
    """Where the console's log goes (the file `cli._setup_logging` opened), for messages."""
    for handler in reversed(log.handlers):  # the last opened
        if isinstance(handler, FileHandler):
            return handler.baseFilename
    return "the console's log (no log file is open)"


def report_unexpected(node: MessagePump, error: BaseException, where: str) -> None:
    """The traceback to the log file, one line to the operator; never raises."""
    log.error("unexpected error in %s", where, exc_info=error)
    if gone(node):
        return  # the user left that screen: a toast about it would only puzzle them
    try:
        node.app.notify(f"{describe_error(error)} — details in {log_file()}",
                        title=f"Unexpected error ({where})", severity="error", timeout=20,
                        markup=False)
    except Exception:  # the app is shutting down: the log has it
        log.exception("could not show the error")


def gone(node: MessagePump) -> bool:
    """A screen popped off the stack, or a widget on one (its widgets are being removed, or
    are gone); never the app."""
    if not isinstance(node, Screen | Widget):
        return False
    try:
        screen = node if isinstance(node, Screen) else node.screen
        return screen not in node.app.screen_stack
    except Exception:  # a widget no longer on any screen
        return True


class Guarded:
    """Mix into a Screen, ModalScreen, App or Widget (before it): see the module's docstring."""

    async def _dispatch_message(self, message: Message) -> None:
        if isinstance(message, ScreenData) and gone(self):  # type: ignore[arg-type]
            return
        try:
            await super()._dispatch_message(message)  # type: ignore[misc]
        except Exception as error:
            report_unexpected(self, error,  # type: ignore[arg-type]
                              f"{type(self).__name__}.{message.handler_name}")

    def set_timer(self, delay: float, callback: Callable | None = None, **kwargs: Any):
        return super().set_timer(delay, self._guard(callback), **kwargs)  # type: ignore[misc]

    def set_interval(self, interval: float, callback: Callable | None = None, **kwargs: Any):
        return super().set_interval(interval, self._guard(callback),  # type: ignore[misc]
                                    **kwargs)

    def _guard(self, callback: Callable | None) -> Callable | None:
        if callback is None:
            return None
        name = getattr(callback, "__name__", "timer")

        async def guarded() -> None:
            try:
                result = callback()
                if inspect.isawaitable(result):
                    await result
            except Exception as error:
                report_unexpected(self, error, f"{type(self).__name__}.{name}")  # type: ignore[arg-type]

        return guarded

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR and event.worker.error is not None:
            report_unexpected(self, event.worker.error,  # type: ignore[arg-type]
                              f"worker {event.worker.name or event.worker.group}")
