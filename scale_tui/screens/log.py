"""The log screen: tail an execution's log, find and filter in it, save and copy it.

Polling: a worker runs ``LogTail`` over a ``LogFollower`` (``started`` = last timestamp,
de-duplicated, 204 = nothing new): every 2 s, or at once after a full 10,000-line page, each poll's
lines appended in one batch. With ``job_id`` and ``exe_num`` it asks for the execution's status
when a poll brings nothing, and stops once the execution has ended and a poll after that brought
nothing new. Errors keep every line and retry on the console's one schedule; the shared header
says how fresh the log is, as on every live screen (`screens/base.py`).

Worker -> message -> handler: the follow worker only asks the server; what ``LogTail`` reports
(``take_lines``, ``poll_failed``, ``tail_stopped``) and the execution's status are posted as
messages (``LinesArrived``, ``PollFailed``, ``TailStopped``, ``ExecutionChecked``) whose handlers
draw; a message to a screen that has been popped is dropped (``widgets/guard.py``).

The view toggles and the find are reactives: ``stream``, ``show_timestamps`` and ``wrap``
(the last two bound to the ``LogView``'s own), ``pattern`` and ``filtering``; their watchers
redraw. Follow/pause is the view's (``LogView.following``: scrolling up pauses it), which tells
the screen with ``LogView.FollowChanged``.

The stream key filters locally instead of refetching: the combined log already holds both
streams in order, so switching is instant, costs no request, keeps the scroll position and the
single follower, and save writes exactly what the buffer holds.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.content import Content
from textual.reactive import var
from textual.timer import Timer
from textual.widgets import Static

from scale_tui.api import FINAL_STATUSES, LOG_STREAMS, LogFollower, LogLine, NotFound, ScaleError
from scale_tui.core import clock, locations
from scale_tui.core.log_buffer import DEFAULT_MAX_LINES
from scale_tui.core.log_search import LogPattern
from scale_tui.core.log_status import POLL_INTERVAL, TailState, dropped_notice
from scale_tui.core.log_tail import LogTail
from scale_tui.core.sanitize import display_text, printable
from scale_tui.screens.base import ConsoleScreen
from scale_tui.screens.save_log import SaveLogScreen, default_log_name
from scale_tui.widgets.console_footer import ConsoleFooter
from scale_tui.widgets.guard import ScreenData
from scale_tui.widgets.log.find import FindBar
from scale_tui.widgets.log.view import LogView

STREAMS = LOG_STREAMS  # combined first: `s` cycles through them in this order
_SEARCH_AT_ONCE = 20_000  # lines; a bigger buffer is searched once typing pauses
_TYPING_PAUSE = 0.15
_OSC52_COMFORTABLE = 100_000  # bytes; some terminals (and tmux by default) refuse more


class LogScreen(ConsoleScreen):
    """One execution's log, following it while it runs."""

    HELP_TITLE = "Log"
    HELP = """\
Follow (f, End) keeps the newest line in view; scrolling up pauses it. Find (/) highlights,
& shows only matching lines, n / N move between matches. s switches combined / stdout / stderr.
t shows timestamps (in the zone named in the header). c copies the highlighted line (the
current match when finding, else the last line on screen: scroll to move it), C every line;
S saves.
Legend: ▌ in the gutter marks a stderr line; "… (N more chars)" ends a line cut for display
(saving keeps it whole)."""

    DEFAULT_CSS = """
    LogScreen #log-title { height: 1; background: $panel; color: $text; text-style: bold; }
    LogScreen #log-dropped { height: 1; background: $warning 30%; display: none; }
    LogScreen #log-dropped.-shown { display: block; }
    LogScreen #log-status { height: 1; background: $panel; color: $text-muted; }
    LogScreen #log-status.-paused { background: $warning 25%; color: $text; }
    LogScreen #log-status.-error { color: $text-error; }
    """
    stream: var[str] = var("combined", init=False)
    """combined | stdout | stderr: which lines are shown (filtered here, never refetched)."""
    show_timestamps: var[bool] = var(False, init=False)
    wrap: var[bool] = var(False, init=False)
    pattern: var[LogPattern] = var(LogPattern, init=False, always_update=True)
    """The find as typed (searched at once, or when typing pauses in a big buffer)."""
    filtering: var[bool] = var(False, init=False)
    """Only the lines matching `pattern` are shown."""

    class LinesArrived(ScreenData):
        """One poll's lines (maybe none); `total` lines so far, `skipped` instants Scale cannot
        page past."""

        def __init__(self, lines: list[LogLine], total: int, skipped: list[datetime]) -> None:
            super().__init__()
            self.lines, self.total, self.skipped = lines, total, skipped

    class PollFailed(ScreenData):
        """A poll or status check failed; the next try is in `retry_in` seconds."""

        def __init__(self, error: Exception, retry_in: float) -> None:
            super().__init__()
            self.error, self.retry_in = error, retry_in

    class TailStopped(ScreenData):
        """No more polling: the log is complete (`error` None) or cannot be read."""

        def __init__(self, error: Exception | None) -> None:
            super().__init__()
            self.error = error

    class ExecutionChecked(ScreenData):
        """How the execution stands (`started`: it has a start time)."""

        def __init__(self, status: str | None, started: bool) -> None:
            super().__init__()
            self.status, self.started = status, started

    BINDINGS = [
        Binding("escape", "back", "Back", id="log.back"),
        Binding("f", "follow", "Follow on/off", id="log.follow"),
        Binding("slash", "find", "Find", id="log.find"),
        Binding("n", "next_match", "Next match", show=False, id="log.next_match"),
        Binding("N", "previous_match", "Previous match", show=False, id="log.previous_match"),
        Binding("ampersand", "toggle_filter", "Filter", id="log.filter"),
        Binding("s", "cycle_stream", "Stream", id="log.stream"),
        Binding("t", "toggle_timestamps", "Timestamps", show=False, id="log.timestamps"),
        Binding("w", "toggle_wrap", "Wrap", show=False, id="log.wrap"),
        Binding("S", "save", "Save", id="log.save"),
        Binding("c", "copy_line", "Copy current line", show=False, id="log.copy_line"),
        Binding("C", "copy_log", "Copy every line", show=False, id="log.copy_log"),
        Binding("r", "poll_now", "Poll now", show=False, id="log.refresh"),
    ]

    def __init__(
        self, execution_id: int, *, job_id: int | None = None, exe_num: int | None = None,
        title: str = "",
    ) -> None:
        super().__init__()
        self.execution_id = execution_id
        self.job_id = job_id
        self.exe_num = exe_num
        self.log_title = title
        self.poll_interval = POLL_INTERVAL
        self.tail = TailState(knows_end=job_id is not None and exe_num is not None)
        self._loop: LogTail | None = None
        self._follower: LogFollower | None = None
        self._skipped: list = []
        self._search_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        max_lines = self.console.profile.log_buffer or DEFAULT_MAX_LINES
        yield self.make_header(context="log", interval=self.poll_interval)
        yield Static(id="log-title")
        yield Static(id="log-dropped")
        view = LogView(max_lines, id="log-view").data_bind(LogScreen.show_timestamps,
                                                           LogScreen.wrap)
        view.tz = self.console.tz
        yield view
        yield FindBar(id="log-find")
        yield Static(id="log-status")
        yield ConsoleFooter()

    @property
    def view(self) -> LogView:
        return self.query_one(LogView)

    def on_mount(self) -> None:
        self.view.focus()
        self._show_title()
        self._show_status()
        self._follow()

    # -- polling -------------------------------------------------------------------------------

    @work(exclusive=True, group="log-follow", exit_on_error=False)
    async def _follow(self) -> None:
        client = self.console.client
        # one page per poll: a long log shows page by page (the tail asks again at once)
        follower = LogFollower(client, self.execution_id, max_pages_per_poll=1)
        self._follower = follower
        self._loop = LogTail(
            self, follower.poll,
            check_end=(lambda: self._check_execution(client)) if self.tail.knows_end else None,
            fatal=(NotFound,), retryable=(ScaleError,),
        )
        self._loop.interval = self.poll_interval
        await self._loop.run()

    # LogTailOwner: what the follow loop reports, in the follow worker: posted, never drawn

    def take_lines(self, lines: Sequence[LogLine]) -> None:
        follower = self._follower
        self.post_message(self.LinesArrived(list(lines), follower.total, list(follower.skipped)))

    def poll_failed(self, error: Exception) -> float:
        # The failure on the screen's Connection (the one schedule); the handler says it.
        retry_in = self.connection.failed(error, clock.now())
        self.post_message(self.PollFailed(error, retry_in))
        return retry_in

    def tail_stopped(self, error: Exception | None) -> None:
        if error is not None:
            self.connection.failed_for_good(error)
        self.post_message(self.TailStopped(error))

    async def _check_execution(self, client) -> bool:
        """Ask Scale how the execution stands; True once it has ended."""
        execution = await client.get_job_execution(self.job_id, self.exe_num)
        self.post_message(self.ExecutionChecked(execution.status, execution.started is not None))
        return execution.status in FINAL_STATUSES

    # handlers: what the follow loop said, drawn

    def on_log_screen_lines_arrived(self, message: LinesArrived) -> None:
        """One poll's lines into the view (one batch), and what that means for the status."""
        self.tail.error, self.tail.retry_in = None, None
        self.refresh_succeeded()
        self._note_skipped(message.skipped)
        if message.lines:
            self.view.append(message.lines)
            self.tail.phase = "following"
            self._show_dropped()
            if self.pattern.active:
                self._show_find_result()  # new lines may match
        elif message.total == 0 and self.tail.phase != "no-output":
            self.tail.phase = "waiting"
        self._show_status()

    def on_log_screen_poll_failed(self, message: PollFailed) -> None:
        self.show_failure()
        self.tail.error, self.tail.retry_in = str(message.error), message.retry_in
        self._show_status()

    def on_log_screen_tail_stopped(self, message: TailStopped) -> None:
        error = message.error
        self.tail.phase = "complete" if error is None else "stopped"
        if error is not None:
            self.show_freshness()
        self.tail.error, self.tail.retry_in = (None if error is None else str(error)), None
        self._show_status()

    def on_log_screen_execution_checked(self, message: ExecutionChecked) -> None:
        self.tail.execution_status = message.status
        if self.tail.phase in ("connecting", "waiting") and message.started:
            self.tail.phase = "no-output"
        self._show_title()

    def _note_skipped(self, skipped: list[datetime]) -> None:
        for instant in skipped[len(self._skipped) :]:
            # Scale's only cursor is a timestamp: past 10,000 lines at one instant it cannot page
            self._skipped.append(instant)
            self.notify(
                f"More than 10,000 lines share the timestamp {instant.isoformat()}; Scale cannot "
                "return the ones after the first 10,000 at that instant, so they are missing.",
                title="Log lines missing", severity="warning", timeout=30,
            )

    def action_poll_now(self) -> None:
        if self._loop is not None:
            self._loop.wake()

    def activity_changed(self, woke: bool) -> None:
        """Idle or back (ScaleApp, core/refresh_policy.py): the header says which; back, the
        log is polled at once (the slower pace is `poll_wait`, ConsoleScreen)."""
        self.show_idle()
        if woke:
            self.action_poll_now()

    # -- what the screen says ------------------------------------------------------------------

    def _show_title(self) -> None:
        if self.log_title:
            what = self.log_title
        elif self.job_id is not None:
            what = f"job {self.job_id} · execution {self.exe_num} (id {self.execution_id})"
        else:
            what = f"execution id {self.execution_id}"
        parts = ["Log", what]
        if self.tail.execution_status:
            parts.append(self.tail.execution_status)
        parts.append(self.stream)
        self.query_one("#log-title", Static).update(Content(display_text(" · ".join(parts))))

    def _show_dropped(self) -> None:
        buffer = self.view.buffer
        notice = dropped_notice(buffer.dropped, len(buffer), self.stream)
        banner = self.query_one("#log-dropped", Static)
        banner.update(Content(notice))
        banner.set_class(bool(notice), "-shown")

    def _show_status(self) -> None:
        view = self.view
        facts = [f"{view.rows.line_count:,} lines"]
        if self.pattern.active:
            position = view.rows.match_position(view.current_match)
            count = view.rows.match_count
            facts.append(f"find {position}/{count:,}" if position else f"find: {_lines(count)}")
        if self.filtering:
            facts.append("filter on" if self.pattern.active else "filter: no pattern")
        if self.show_timestamps:
            facts.append("timestamps")
        if self.wrap:
            facts.append("wrap")
        if self._skipped:
            facts.append(f"lines missing at {len(self._skipped)} timestamp(s)")
        status = self.query_one("#log-status", Static)
        # describe() may quote the server (an error's detail): through the one boundary
        status.update(Content(display_text(f"{self.tail.describe()}  │  {' · '.join(facts)}")))
        status.set_class(self.tail.error is not None, "-error")
        status.set_class(not self.tail.following, "-paused")

    def on_log_view_follow_changed(self, event: LogView.FollowChanged) -> None:
        self.tail.following, self.tail.pending = event.following, event.pending
        self._show_status()

    # -- view toggles --------------------------------------------------------------------------

    def action_back(self) -> None:
        find = self.query_one(FindBar)
        if find.is_open:
            find.action_close()
        else:
            self.app.pop_screen()

    def action_follow(self) -> None:
        """Follow on, or off to read while lines keep arriving (k9s's autoscroll toggle)."""
        if self.view.following:
            self.view.following = False
        else:
            self.view.follow()

    def action_cycle_stream(self) -> None:
        self.stream = STREAMS[(STREAMS.index(self.stream) + 1) % len(STREAMS)]

    def watch_stream(self, stream: str) -> None:
        self.view.set_stream(None if stream == "combined" else stream)
        self._show_title()
        self._show_dropped()
        self._show_find_result()

    def action_toggle_timestamps(self) -> None:
        self.show_timestamps = not self.show_timestamps  # the view is bound to it

    def action_toggle_wrap(self) -> None:
        self.wrap = not self.wrap  # the view is bound to it

    def watch_show_timestamps(self) -> None:
        self._show_status()

    def watch_wrap(self) -> None:
        self._show_status()

    # -- find and filter -----------------------------------------------------------------------

    def action_find(self) -> None:
        self.query_one(FindBar).open()

    def on_find_bar_changed(self, event: FindBar.Changed) -> None:
        self.pattern = event.pattern

    def on_log_view_pattern_failed(self, event: LogView.PatternFailed) -> None:
        # The user's text stays in the find bar; the bar shows why nothing is found.
        self.pattern = event.pattern

    def watch_pattern(self, pattern: LogPattern) -> None:
        if self._search_timer is not None:
            self._search_timer.stop()
            self._search_timer = None
        if pattern is self.view.rows.pattern:  # the view set it aside (too slow): say why
            self._show_find_result()
        elif len(self.view.buffer) > _SEARCH_AT_ONCE:
            # a search of a big buffer takes tens of ms: wait for a pause in the typing
            self._search_timer = self.set_timer(_TYPING_PAUSE, self._apply_pattern)
        else:
            self._apply_pattern()

    def _apply_pattern(self) -> None:
        self._search_timer = None
        self.view.set_pattern(self.pattern, filtering=self.filtering)
        self._show_find_result()

    def _flush_search(self) -> None:
        """A key that needs the search (Enter, n, &) does not wait for the typing pause."""
        if self._search_timer is not None:
            self._search_timer.stop()
            self._apply_pattern()

    def on_find_bar_submitted(self) -> None:
        self._flush_search()
        if self.pattern.active and self.view.current_match is None:
            self.action_next_match()

    def action_toggle_filter(self) -> None:
        self._flush_search()
        self.filtering = not self.filtering

    def watch_filtering(self, filtering: bool) -> None:
        self.view.set_pattern(self.pattern, filtering=filtering)
        self._show_find_result()

    def action_next_match(self, backwards: bool = False) -> None:
        self._flush_search()
        if not self.pattern.active:
            self.notify("Nothing to find: press / and type a pattern", severity="warning")
            return
        if not self.view.next_match(backwards=backwards):
            self.notify(f"No line matches {self.pattern.text!r}", severity="warning")
        self._show_find_result()

    def action_previous_match(self) -> None:
        self.action_next_match(backwards=True)

    def _show_find_result(self) -> None:
        find = self.query_one(FindBar)
        if self.pattern.error:
            find.show_result(self.pattern.error, error=True)
        elif self.pattern.active:
            rows = self.view.rows
            position = rows.match_position(self.view.current_match)
            count = _lines(rows.match_count)
            shown = f"{position}/{count}" if position else count
            filtered = " · filter on" if self.filtering else ""
            find.show_result(f"{shown} · {self.pattern.describe()}{filtered}")
        else:
            find.show_result("")
        self._show_status()

    # -- save and copy -------------------------------------------------------------------------

    def action_save(self) -> None:
        view = self.view
        default = locations.data_dir() / default_log_name(self.execution_id, self.stream)
        kept = len(view.lines())
        dropped = view.buffer.dropped
        summary = f"Save {kept:,} {self.stream} lines" + (
            f" (the last kept; {dropped:,} older lines were dropped)" if dropped else ""
        )

        def saved(path: Path | None) -> None:
            if path is not None:
                self.notify(f"Saved {kept:,} lines to {path}", title="Log saved")

        self.app.push_screen(
            SaveLogScreen(default, view.lines, timestamps=self.show_timestamps, summary=summary),
            saved,
        )

    def action_copy_line(self) -> None:
        line = self.view.current_line()
        if line is None:
            self.notify("No line to copy yet", severity="warning")
            return
        self._copy(printable(line.message), "1 line")

    def action_copy_log(self) -> None:
        lines = self.view.lines()
        self._copy("\n".join(printable(line.message) for line in lines), f"{len(lines):,} lines")

    def _copy(self, text: str, what: str) -> None:
        # What is on screen is copied (escapes made visible): pasting into a shell must be safe.
        self.app.copy_to_clipboard(text)
        size = len(text.encode())
        message = f"Copied {what} ({size:,} bytes) to the clipboard (OSC 52)"
        if size > _OSC52_COMFORTABLE:
            message += "; some terminals refuse clipboard writes this large: S saves to a file"
        self.notify(message)


def _lines(count: int) -> str:
    return f"{count:,} line{'' if count == 1 else 's'}"
