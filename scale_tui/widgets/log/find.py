"""The find bar of the log screen: the pattern as typed, its mode, and what it found (or why not).

It owns no search: it posts ``FindBar.Changed`` with a compiled ``LogPattern`` on every keystroke
and the screen answers with ``show_result``. Closing it keeps the text, so ``/`` brings the same
pattern back and nothing typed is lost.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.content import Content
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, Label

from scale_tui.core.input_limits import FIND_MAX
from scale_tui.core.log_search import LogPattern
from scale_tui.widgets.guard import Guarded

__all__ = ["FindBar"]


class FindBar(Guarded, Horizontal):
    """``/ pattern   3/17 lines · text, any case``; an invalid regex shows its error in red."""

    DEFAULT_CSS = """
    FindBar {
        height: 1;
        background: $panel;
        display: none;
        &.-open { display: block; }
        & > Label { padding: 0 1; }
        & > Input, & > Input:focus {
            border: none; height: 1; width: 1fr; padding: 0; background: $panel;
        }
        & > #find-info { color: $text-muted; }
        & > #find-info.-error { color: $text-error; text-style: bold; }
    }
    """
    BINDINGS = [
        Binding("ctrl+r", "toggle_regex", "Regex", id="log.find.regex"),
        Binding("escape", "close", "Close find", id="log.find.close"),
        # priority: handled here, before the Input, so focus has moved back to the log before
        # the next key is read ("/disk<Enter>n" typed fast must not put the n in the pattern)
        Binding("enter", "submit", "Find", show=False, priority=True, id="log.find.submit"),
    ]

    class Changed(Message):
        """The pattern or its mode changed."""

        def __init__(self, pattern: LogPattern) -> None:
            super().__init__()
            self.pattern = pattern

    class Submitted(Message):
        """Enter: the bar has closed; go to the first match from the top of the screen."""

    class Closed(Message):
        """The bar was closed; the pattern stays in effect."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.regex = False
        self._return_focus: Widget | None = None

    def compose(self) -> ComposeResult:
        yield Label("/", id="find-prompt")
        # Capped (core/input_limits.py): the pattern is compiled on every keystroke.
        yield Input(placeholder="find: plain text, smart case (ctrl+r: regex)", id="find-input",
                    max_length=FIND_MAX)
        yield Label("", id="find-info")

    @property
    def pattern(self) -> LogPattern:
        return LogPattern.compile(self.query_one(Input).value, regex=self.regex)

    def open(self) -> None:
        self._return_focus = self.screen.focused
        self.add_class("-open")
        self.query_one(Input).focus()

    @property
    def is_open(self) -> bool:
        return self.has_class("-open")

    def action_close(self) -> None:
        self._leave()
        self.post_message(self.Closed())

    def action_submit(self) -> None:
        if not self.is_open:
            return
        self._leave()
        self.post_message(self.Submitted())

    def _leave(self) -> None:
        self.remove_class("-open")
        # set_focus now, not focus() (which waits a turn): the next key goes to the log
        self.screen.set_focus(self._return_focus)

    def action_toggle_regex(self) -> None:
        self.regex = not self.regex
        self.query_one("#find-prompt", Label).update("re/" if self.regex else "/")
        self.post_message(self.Changed(self.pattern))

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        self.post_message(self.Changed(self.pattern))

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()  # Enter is the bar's own binding (above)

    def show_result(self, text: str, *, error: bool = False) -> None:
        info = self.query_one("#find-info", Label)
        info.update(Content(text))  # plain text: an error may quote the user's brackets
        info.set_class(error, "-error")
