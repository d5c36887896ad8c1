"""Triage: what is failing right now, grouped, with a picture, and fixed in one step.

The failed jobs of a window (scale_tui.core.triage reads, groups and buckets them), one row per
group. The last complete result stays on screen while a refresh loads (a progress bar shows how
far it got); a refresh that fails keeps it too, and says so in the header.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal
from textual.widgets import DataTable, Footer, Input, ProgressBar, Sparkline, Static

from scale_tui.api import InvalidFilter, ScaleClient, ScaleError
from scale_tui.core import clock, triage
from scale_tui.core.action_plan import ActionContext
from scale_tui.core.connection import Freshness
from scale_tui.core.formatting import format_time
from scale_tui.screens.action_flow import request_action
from scale_tui.screens.base import ConsoleScreen
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.guard import ScreenData
from scale_tui.widgets.triage_table import TriageTable, row_cells


@dataclass
class TriageMemory:
    """What triage keeps while the operator looks at a group's jobs: the window, grouping and
    sort chosen, and the last complete result (shown at once on return, then refreshed). The
    app owns it (one per profile)."""

    window_text: str = triage.DEFAULT_WINDOW
    grouping: tuple[str, ...] = triage.GROUPINGS[0]
    sort: str = "count"
    failures: triage.Failures | None = None


# A big window is many requests: never reload it more often than ten times what it took.
LOAD_SHARE = 10


class TriageScreen(ConsoleScreen):
    HELP_TITLE = "Triage"
    HELP = """\
The failed jobs (FAILED, not superseded) whose last_modified lies in the window, grouped; each
row's sparkline uses the same buckets and scale as every other row. t cycles 1h, 6h, 24h, 7d;
w types a window as the jobs filter panel takes it (90m, PT6H, START/END). Enter lists the
group's jobs; R requeues exactly the group (node groups, and groups without an error, by job
id: Scale cannot filter on them). At most triage_cap failures are read, newest first."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="triage.back"),
        Binding("g", "next_grouping", "Group", id="triage.grouping"),
        Binding("s", "next_sort", "Sort", id="triage.sort"),
        Binding("t", "cycle_window", "Window", id="triage.window"),
        Binding("w", "type_window", "Type window", id="triage.type_window"),
        Binding("r", "refresh", "Refresh", id="triage.refresh"),
        Binding("p", "pause", "Pause", id="triage.pause", show=False),
        Binding("R", "requeue", "Requeue group…", id="triage.requeue"),
    ]

    DEFAULT_CSS = """
    TriageScreen #triage-summary { height: auto; padding: 0 1; }
    TriageScreen #triage-chart-row { height: 2; margin: 0 1; }
    TriageScreen #triage-chart { height: 2; width: 1fr; }
    TriageScreen #triage-cut { height: auto; padding: 0 1; color: $warning; display: none; }
    TriageScreen #triage-progress { height: 1; width: auto; padding: 0 0 0 2; display: none; }
    TriageScreen #triage-window { margin: 0 1; }
    TriageScreen #triage-empty { padding: 1 2; display: none; }
    TriageScreen TriageTable { height: 1fr; }
    """

    def __init__(self, memory: TriageMemory | None = None) -> None:
        super().__init__()
        self.memory = memory or TriageMemory()
        self.window_text = self.memory.window_text
        self.grouping: tuple[str, ...] = self.memory.grouping
        self.sort = self.memory.sort
        self.failures: triage.Failures | None = self.memory.failures  # last complete result
        self.drawn: triage.Failures | None = None  # the result the table shows, once drawn
        self.groups: list[triage.Group] = []
        self.chart: list[int] = []
        self.reading = False  # not `loading`: that is Textual's overlay spinner
        self.loop: RefreshLoop | None = None

    # ---- layout

    def compose(self) -> ComposeResult:
        yield self.make_header("triage")
        yield Static(id="triage-summary")
        # The progress bar shares the chart's row: showing and hiding it must not move the
        # table (a table moved is a table redrawn whole: 15-50 ms of the loop, bench/triage.py).
        with Horizontal(id="triage-chart-row"):
            yield Sparkline([], id="triage-chart")
            yield ProgressBar(id="triage-progress", show_eta=False)
        yield Static(id="triage-cut")
        yield TriageTable(id="triage-groups")
        yield Static(id="triage-empty")
        yield Footer()

    @property
    def table(self) -> TriageTable:
        return self.query_one(TriageTable)

    def on_mount(self) -> None:
        self.loop = RefreshLoop(self, self._load, self.console.refresh_interval,
                                group="triage-refresh")
        self.table.focus()
        self._show_summary()
        self._show_empty()
        if self.failures is not None:
            self._regroup()  # the last result at once; the refresh below replaces it
        self.loop.now()

    def on_screen_suspend(self) -> None:
        if self.loop:
            self.loop.suspend()

    def on_screen_resume(self) -> None:
        if self.loop:
            self.loop.resume()

    def _remember(self) -> None:
        memory = self.memory
        memory.window_text, memory.grouping, memory.sort = (self.window_text, self.grouping,
                                                            self.sort)
        memory.failures = self.failures

    # ---- loading: the refresh worker asks and groups; the handlers below draw

    class Progress(ScreenData):
        """`done` of `pages` pages of failed jobs read."""

        def __init__(self, done: int, pages: int) -> None:
            super().__init__()
            self.done, self.pages = done, pages

    class Loaded(ScreenData):
        """A complete result and its grouping (made off the loop), from `client`'s server,
        for the window `window_text`, grouped by `grouping`, sorted by `sort`."""

        def __init__(self, client: ScaleClient, window_text: str, failures: triage.Failures,
                     grouping: tuple[str, ...], sort: str, grouped: tuple) -> None:
            super().__init__()
            self.client, self.window_text, self.failures = client, window_text, failures
            self.grouping, self.sort, self.grouped = grouping, sort, grouped

    class LoadFailed(ScreenData):
        """A refresh failed (`connection.failed` has recorded it); `first` in a row, `delay`
        until the next try."""

        def __init__(self, client: ScaleClient, error: ScaleError, first: bool,
                     delay: float) -> None:
            super().__init__()
            self.client, self.error, self.first, self.delay = client, error, first, delay

    class Regrouped(ScreenData):
        """The same result grouped again (g, s, or the last result shown on return)."""

        def __init__(self, failures: triage.Failures, grouping: tuple[str, ...], sort: str,
                     grouped: tuple) -> None:
            super().__init__()
            self.failures, self.grouping, self.sort, self.grouped = (failures, grouping, sort,
                                                                     grouped)

    async def _load(self) -> float | None:
        """One refresh (in the refresh worker: touches no widget); returns the seconds until
        the next one."""
        window_text = self.window_text
        try:
            window = triage.parse_triage_window(window_text, now=clock.now())
        except InvalidFilter as exc:
            self.notify(str(exc), title="Window not applied", severity="error")
            return None
        client = self.console.client
        cap = int(getattr(self.console.profile, "triage_cap", triage.DEFAULT_CAP))
        self.reading = True
        self.post_message(self.Progress(0, 1))
        began = time.monotonic()
        try:
            failures = await triage.load_failures(
                client, window, cap=cap,
                progress=lambda done, pages: self.post_message(self.Progress(done, pages)))
        except ScaleError as exc:
            first = self.connection.healthy
            delay = self.connection.failed(exc, clock.now())
            self.post_message(self.LoadFailed(client, exc, first, delay))
            return delay
        finally:
            self.reading = False
        # The progress bar stays until the handler draws the result: one layout, and none
        # while the grouping thread competes with the loop (docs/triage.md).
        grouping, sort = self.grouping, self.sort
        grouped = await self._group_in_thread(failures, grouping, sort)
        self.post_message(self.Loaded(client, window_text, failures, grouping, sort, grouped))
        took = time.monotonic() - began
        return max(self.console.refresh_interval, LOAD_SHARE * took)

    async def _group_in_thread(self, failures: triage.Failures, grouping: tuple[str, ...],
                               sort: str) -> tuple[list[triage.Group], list[int], list]:
        """Groups, the header's chart and the table's cells, off the console's loop (10,000
        failures take 0.1-0.2 s of Python)."""
        now, tz, shown = clock.now(), self.console.tz, self.table.shown()

        def work() -> tuple[list[triage.Group], list[int], list]:
            groups = triage.group_failures(failures.jobs, failures.window, grouping, sort=sort)
            rows = row_cells(groups, grouping, len(failures.jobs), now, tz, shown)
            return groups, triage.chart(groups), rows

        return await asyncio.to_thread(work)

    def on_triage_screen_progress(self, message: Progress) -> None:
        bar = self.query_one("#triage-progress", ProgressBar)
        bar.display = True
        bar.update(total=max(message.pages, 1), progress=message.done)

    async def on_triage_screen_loaded(self, message: Loaded) -> None:
        if not self.from_current_server(message.client) or message.window_text != self.window_text:
            return  # another server's, or another window's, answer (its refresh runs): dropped
        self.failures = message.failures
        self._remember()
        recovered = not self.connection.healthy
        self.refresh_succeeded()
        if recovered:
            self.notify("Connected again; triage is live.", title="Scale")
        try:
            if (message.grouping, message.sort) == (self.grouping, self.sort):
                await self._draw(*message.grouped)  # hides the progress bar with the rest
            else:
                self._regroup()  # g or s pressed while it loaded: the new grouping's turn
        finally:
            self._hide_progress()

    def on_triage_screen_load_failed(self, message: LoadFailed) -> None:
        self._hide_progress()
        if not self.from_current_server(message.client):
            return
        self.show_failure()
        if message.first:
            kept = "; the last result stays on screen" if self.failures else ""
            self.notify(f"{self.connection.problem}\nRetrying in {message.delay:g} s{kept}.",
                        title="Cannot load triage", severity="error", timeout=8)
        self._show_empty()

    async def on_triage_screen_regrouped(self, message: Regrouped) -> None:
        if (message.failures is not self.failures
                or (message.grouping, message.sort) != (self.grouping, self.sort)):
            return  # a newer result, or another grouping, came meanwhile
        await self._draw(*message.grouped)

    def _hide_progress(self) -> None:
        self.query_one("#triage-progress").display = False

    # ---- drawing

    async def _draw(self, groups: list[triage.Group], chart: list[int], rows: list) -> None:
        failures = self.failures
        if failures is None:
            return
        self.groups, self.chart = groups, chart
        if not self.reading:
            # Hidden here, not as soon as the pages are read: one layout with the new result,
            # and none while the grouping thread competes with the loop (bench/triage.py).
            self._hide_progress()
        self.query_one("#triage-chart", Sparkline).data = self.chart
        cut = self.query_one("#triage-cut", Static)
        if failures.cut_at is not None:
            cut.update(Text(
                f"⚠ Window cut: {failures.total} failed jobs, only the newest {len(failures.jobs)}"
                f" read (triage_cap); failures before {self._time(failures.cut_at)} are not "
                "counted."))
            cut.display = True
        else:
            cut.display = False
        self._show_summary()
        self.show_freshness()
        self._show_empty()
        await self.table.show(groups, self.grouping, rows)
        self.drawn = failures

    def _time(self, moment) -> str:
        return format_time(moment, self.console.tz)

    def _show_summary(self) -> None:
        text = Text(no_wrap=False)
        failures = self.failures
        if failures is None:
            text.append(f"Failed jobs, window {self.window_text}: loading…")
        else:
            window = failures.window
            text.append(f"{failures.total} failed jobs", style="bold")
            text.append(f" · {window.text} ({self._time(window.start)} → "
                        f"{self._time(window.end)})")
            words = triage.trend(failures.total, failures.previous_total)
            if words:
                style = "red" if words.startswith("↑") else "green" if words[0] == "↓" else ""
                text.append(" · ")
                text.append(words, style=style)
        text.append(f"\nby {triage.grouping_words(self.grouping)} · sorted by "
                    f"{triage.SORT_WORDS[self.sort]}   (g group, s sort, t window)", style="dim")
        self.query_one("#triage-summary", Static).update(text)

    def freshness(self) -> Freshness:
        self.connection.paused = bool(self.loop and self.loop.paused)
        return super().freshness()

    def show_freshness(self) -> None:
        super().show_freshness()
        if self.failures is None and not self.connection.healthy:
            self._show_empty()  # the countdown lives in the empty message too

    def _show_empty(self) -> None:
        empty = self.query_one("#triage-empty", Static)
        if self.groups:
            empty.display = False
            self.table.display = True
            return
        if self.failures is None and not self.connection.healthy:
            message = f"{self.connection.problem}\n\n{self.connection.state_text(clock.now())}."
        elif self.failures is None:
            message = "Loading the failed jobs…"
        else:
            message = (f"No failed jobs in the window ({self.failures.window.text}).\n"
                       "t picks another window.")
        empty.update(Text(message))
        empty.display = True
        self.table.display = False

    # ---- keys

    def action_back(self) -> None:
        if self._close_window_input():
            return
        self.app.pop_screen()

    def _close_window_input(self) -> bool:
        inputs = self.query("#triage-window")
        if not inputs:
            return False
        inputs.remove()
        self.table.focus()
        return True

    def action_refresh(self) -> None:
        self.loop.now()

    def action_pause(self) -> None:
        self.loop.pause(not self.loop.paused)
        self.show_freshness()

    def action_next_grouping(self) -> None:
        self.grouping = triage.next_grouping(self.grouping)
        self._regroup()

    def action_next_sort(self) -> None:
        self.sort = triage.next_sort(self.sort)
        self._regroup()

    def _regroup(self) -> None:
        self._remember()
        self._show_summary()
        if self.failures is not None:
            self.run_worker(self._regroup_now, group="triage-regroup", exclusive=True,
                            exit_on_error=False)

    async def _regroup_now(self) -> None:
        failures, grouping, sort = self.failures, self.grouping, self.sort
        grouped = await self._group_in_thread(failures, grouping, sort)
        self.post_message(self.Regrouped(failures, grouping, sort, grouped))

    def action_cycle_window(self) -> None:
        presets = triage.WINDOW_PRESETS
        current = self.window_text.lower()
        self._set_window(presets[(presets.index(current) + 1) % len(presets)]
                         if current in presets else presets[0])

    def action_type_window(self) -> None:
        # Mounted only while typing: a hidden Input composed up front left Textual's full-screen
        # render (screenshots) blank after a key pushed this screen.
        if self.query("#triage-window"):
            self.query_one("#triage-window", Input).focus()
            return
        window = Input(self.window_text, id="triage-window", compact=True,
                       placeholder="window: 1h, 6h, 24h, 7d, 90m, PT6H or START/END "
                                   "(enter applies, escape cancels)")
        self.mount(window, before=self.table)
        window.focus()

    @on(Input.Submitted, "#triage-window")
    def _window_typed(self, event: Input.Submitted) -> None:
        try:
            triage.parse_triage_window(event.value, now=clock.now())
        except InvalidFilter as exc:
            self.notify(str(exc), title="Window not applied", severity="error")
            return
        self._close_window_input()
        self._set_window(event.value.strip())

    def _set_window(self, text: str) -> None:
        self.window_text = text
        self._remember()
        self._show_summary()
        self.loop.restart()

    @on(DataTable.RowSelected, "#triage-groups")
    def _open_group(self, event: DataTable.RowSelected) -> None:
        event.stop()
        group = self.table.cursor_group
        if group is None or self.failures is None:
            return
        window = self.failures.window
        if triage.group_filter(group, window) is None:
            self.notify("Scale's job list cannot filter on "
                        + ("a node" if triage.NODE in group.dimensions else "a missing value")
                        + f"; listing every failed job of the window ({group.count} of them "
                        "are this group's; R requeues exactly them, by id).",
                        title="Not exactly this group", severity="warning", timeout=8)
        self.console.show_jobs(**triage.group_form_changes(group, window))

    def action_requeue(self) -> None:
        group = self.table.cursor_group
        if group is None or self.failures is None:
            self.notify("No group under the cursor.")
            return
        scope = triage.group_filter(group, self.failures.window, for_action=True)
        if scope is None:
            ctx = ActionContext(cursor_job_id=None, marked=tuple(sorted(group.job_ids)))
        else:
            ctx = ActionContext(cursor_job_id=None, filter=scope, matching=group.count)
        request_action(self, "requeue", ctx)

    def on_jobs_changed(self, event) -> None:
        self.notify(event.summary, title="Accepted by Scale")
        self.loop.now()
