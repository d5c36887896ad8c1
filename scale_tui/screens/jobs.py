"""The home screen: the jobs of the current filter, live.

The layout, the keys and the filter editing; what it loads and how it draws it is its base class
`JobsFeed` (screens/jobs_feed.py), which owns the state (filter form, page, find). Filters
and sort apply at once (the running request is cancelled, the latest filter wins); the periodic
refresh is single-flight; the table keeps the cursor on the same job through all of it.
"""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Input, Static

from scale_tui.api import JobFilter
from scale_tui.core import jobs_view, state
from scale_tui.core.filter_form import FilterForm, FormErrors, describe_fields, jump_form
from scale_tui.core.input_limits import QUICK_FILTER_MAX, TYPING_PAUSE
from scale_tui.screens.jobs_feed import JobsFeed
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.console_footer import ConsoleFooter
from scale_tui.widgets.filter_bar import FilterBar
from scale_tui.widgets.jobs_table import ORDER_FIELDS, JobsTable
from scale_tui.widgets.status_counts import StatusCounts


class JobsScreen(JobsFeed):
    # The table, not the first focusable widget (the hidden find box): one focus change and
    # its restyle less before the first frame (issue 15, docs/startup.md).
    AUTO_FOCUS = "#jobs"
    HELP_TITLE = "Jobs"
    HELP = """\
Filters (f) apply as you change them; the window restricts last_modified: all, 1h, 6h, 24h, 7d
(t cycles them), 90m / 3d, an ISO-8601 duration (PT30M, P2DT6H), a datetime with a time zone
(2026-01-05T00:00Z) or a range START/END. Find (/) only searches the rows on this page.
Sort (s, S, or click a header) is done by the server and starts again from the first row.
Status counts ignore the status filter. b/e on job details and "batch N" / "recipe N" in the
palette (ctrl+p) show every job of a batch or recipe: they replace the other filters.

Legend. First column: ✓ marked (space; c and R then offer the marked jobs), • changed at the
last refresh. Status "COMPLETED S": S means superseded, the job was requeued or re-run and a
newer job replaced it (on its details > opens the newer one, < the older)."""

    BINDINGS = [
        Binding("q", "app.quit", "Quit", id="jobs.quit"),
        Binding("slash", "quick_filter", "Find", id="jobs.quick_filter"),
        Binding("f", "toggle_filters", "Filters", id="jobs.filters"),
        Binding("r", "refresh", "Refresh", id="jobs.refresh"),
        Binding("p", "pause", "Pause", id="jobs.pause"),
        Binding("l", "log", "Log", id="jobs.log"),
        Binding("t", "cycle_window", "Time window preset", id="jobs.window", show=False),
        Binding("F", "failed_only", "Failed only / all statuses", id="jobs.failed_only",
                show=False),
        Binding("x", "clear_filters", "Clear all filters", id="jobs.clear_filters", show=False),
        Binding("s", "next_sort", "Sort by next column", id="jobs.sort", show=False),
        Binding("S", "reverse_sort", "Reverse sort", id="jobs.sort_reverse", show=False),
        Binding("right_square_bracket", "page(1)", "Next page", id="jobs.next_page", show=False),
        Binding("left_square_bracket", "page(-1)", "Previous page", id="jobs.previous_page",
                show=False),
        Binding("c", "cancel", "Cancel jobs…", id="jobs.cancel", show=False),
        Binding("R", "requeue", "Requeue jobs…", id="jobs.requeue", show=False),
        Binding("J", "queue_job", "Queue a new job…", id="jobs.queue_job", show=False),
        Binding("T", "triage", "Triage: failures grouped", id="jobs.triage", show=False),
        Binding("escape", "escape", "Clear find, then marks", id="jobs.escape", show=False),
    ]

    def __init__(self, form: FilterForm | None = None) -> None:
        super().__init__(form)
        self._quick_typed = ""  # what the quick filter holds; applied once typing pauses
        self._quick_timer = None
        self._before_failed_only: tuple[str, ...] = ()

    # ---- layout

    def compose(self) -> ComposeResult:
        yield self.make_header()
        yield StatusCounts(id="counts")
        yield FilterBar(self.form, id="filters")
        yield Input(placeholder="find on this page (enter keeps, escape clears)", id="quick",
                    compact=True, max_length=QUICK_FILTER_MAX)
        yield JobsTable(id="jobs").data_bind(server_order=JobsFeed.order)
        yield Static(id="empty")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        self._show_filter_summary()
        self.loop = RefreshLoop(self, self._load, self.console.refresh_interval,
                                group="jobs-refresh")
        self.draw_early_page()  # the first frame shows the rows when they came already
        self.table.focus()
        if self.console.server_ready:
            self.server_started()
        else:
            self._show_empty()
            self._show_header()

    def server_started(self) -> None:
        """The server is there (at once, or once the demo stub is up): start loading."""
        self.show_identity()  # the demo stub's real URL, now that it is known
        self._show_header()
        if not self.console.server_ready:
            self._show_empty()
            return
        self.loop.now()

    def on_screen_suspend(self) -> None:
        if self.loop:
            self.loop.suspend()  # details on top: do not poll what nobody sees

    def on_screen_resume(self) -> None:
        if self.loop:
            self.loop.resume()

    # ---- filters and sorting

    def change_form(self, **changes: Any) -> None:
        """Apply filter changes (keeping every other field), save them, reload from page 1."""
        form = self.form.with_changes(**changes)
        if form == self.form:
            return
        if form.order != self.form.order:
            self.table.go_to_top()  # a new sort is read from its first row, not mid-list
        self.filter_problem = ""  # a new filter: the old one's rejection no longer applies
        self.form = form
        self.page = 1
        self._save_form()
        if self.loop:
            self.loop.restart()

    def jump(self, **fields: str) -> None:
        """Every job of a batch or recipe (`batch_id="12"`): a jump replaces every other filter
        and the find (a status or superseded filter would hide some of its jobs), keeps the
        sort, and says what it replaced so nothing is hidden without a word."""
        form, replaced = jump_form(self.form, **fields)
        quick = self.query_one("#quick", Input)
        if self.quick:
            replaced_find = f"find '{self.quick}'"
            quick.value = ""
            # Not drawn now: the page of the new filter is what is drawn next.
            self.set_reactive(JobsFeed.quick, "")
        else:
            replaced_find = ""
        quick.display = False
        self.set_form(form)
        self.table.focus()
        words = ", ".join(w for w in (describe_fields(replaced, self.console.tz), replaced_find)
                          if w)
        what = " and ".join(f"{name.split('_')[0]} {value}" for name, value in fields.items())
        self.notify(f"Every job of {what}." + (f"\nReplaced filters: {words}." if words else ""),
                    title="Jump")

    def set_form(self, form: FilterForm) -> None:
        """Replace the whole form (a jump from details, a profile switch)."""
        self.filter_bar.set_form(form)
        self.change_form(**{k: getattr(form, k) for k in form.to_dict()})

    def _save_form(self) -> None:
        state.save_last_filter(self.console.filter_key, self.form.to_dict())

    @on(FilterBar.Changed)
    def _filter_bar_changed(self, event: FilterBar.Changed) -> None:
        self.change_form(**event.values)

    @on(FilterBar.Closed)
    def _filter_bar_closed(self) -> None:
        self.table.focus()

    @on(DataTable.HeaderSelected)
    def _header_clicked(self, event: DataTable.HeaderSelected) -> None:
        field = ORDER_FIELDS.get(str(event.column_key.value))
        if field:
            self.change_form(order=jobs_view.sort_on(self.form.order, field))

    def action_next_sort(self) -> None:
        self.change_form(order=jobs_view.next_sort(self.form.order))

    def action_reverse_sort(self) -> None:
        self.change_form(order=jobs_view.reverse_sort(self.form.order))

    def action_cycle_window(self) -> None:
        self._set_filters(window=jobs_view.next_window(self.form.window))

    def action_failed_only(self) -> None:
        if self.form.statuses == ("FAILED",):
            self._set_filters(statuses=self._before_failed_only)
        else:
            self._before_failed_only = self.form.statuses
            self._set_filters(statuses=("FAILED",))

    def action_clear_filters(self) -> None:
        self._set_filters(**{k: v for k, v in FilterForm().to_dict().items() if k != "order"}
                          | {"statuses": ()})

    def _set_filters(self, **changes: Any) -> None:
        self.filter_bar.set_form(self.form.with_changes(**changes))
        self.change_form(**changes)

    def action_toggle_filters(self) -> None:
        self.filter_bar.toggle()
        if not self.filter_bar.is_open:
            self.table.focus()

    def action_page(self, delta: int) -> None:
        if self.total is None:
            return
        last = jobs_view.page_count(self.total, self.console.page_size)
        page = min(max(1, self.page + delta), last)
        if page != self.page:
            self.page = page
            self.loop.restart()
        else:
            self.notify("That is the last page." if delta > 0 else "This is the first page.")

    # ---- quick filter

    def action_quick_filter(self) -> None:
        quick = self.query_one("#quick", Input)
        quick.display = True
        quick.focus()

    @on(Input.Changed, "#quick")
    def _quick_changed(self, event: Input.Changed) -> None:
        # Constant work per keystroke: the page is filtered and redrawn once typing pauses
        # (core/input_limits.py), never once per key with an ever longer text.
        self._quick_typed = event.value
        if self._quick_timer is None:
            self._quick_timer = self.set_timer(TYPING_PAUSE, self._apply_quick,
                                               name="quick-filter")
        else:
            self._quick_timer.reset()

    def _apply_quick(self) -> None:
        if self._quick_timer is not None:
            self._quick_timer.stop()
            self._quick_timer = None
        self.quick = self._quick_typed.strip()  # drawn by watch_quick when it changed

    @on(Input.Submitted, "#quick")
    def _quick_submitted(self) -> None:
        self._apply_quick()
        if not self.quick:
            self.query_one("#quick", Input).display = False
        self.table.focus()

    def action_escape(self) -> None:
        quick = self.query_one("#quick", Input)
        if self.filter_bar.is_open:
            self.filter_bar.action_close()
        elif quick.display and (self.quick or quick.has_focus):
            quick.value = ""
            self._quick_typed = ""
            self._apply_quick()
            quick.display = False
            self.table.focus()
        elif self.table.marked:
            self.table.clear_marks()

    # ---- refresh, open, log, actions

    def action_refresh(self) -> None:
        self.loop.now()

    def action_pause(self) -> None:
        self.loop.pause(not self.loop.paused)
        self._show_header()
        self.notify("Live refresh paused (p resumes)." if self.loop.paused
                    else "Live refresh resumed.")

    @on(DataTable.RowSelected, "#jobs")
    def _open_job(self, event: DataTable.RowSelected) -> None:
        self.console.open_job(int(event.row_key.value))

    def action_log(self) -> None:
        job_id = self.table.cursor_job_id
        if job_id is not None:
            self.console.open_latest_log(job_id)

    def _action_context(self):
        # lazy, measured (docs/startup.md): action_flow and core/action_plan are not needed to
        # draw the list (~5 ms at start), only at c / R / J
        from scale_tui.screens.action_flow import ActionContext

        # An invalid typed filter means "no server-side scope", never JobFilter() (= every job);
        # the same while the bar holds a bad value back: the form on screen is not what is listed.
        try:
            query: JobFilter | None = None if self.filter_bar.errors else self.current_query()
        except FormErrors:
            query = None
        return ActionContext(cursor_job_id=self.table.cursor_job_id,
                             marked=tuple(sorted(self.table.marked)), filter=query,
                             matching=self.total, listed=tuple(self.table.job_ids),
                             quick_filter=self.quick)

    def action_cancel(self) -> None:
        from scale_tui.screens.action_flow import request_action  # lazy, see _action_context

        request_action(self, "cancel", self._action_context())

    def action_requeue(self) -> None:
        from scale_tui.screens.action_flow import request_action  # lazy, see _action_context

        request_action(self, "requeue", self._action_context())

    def action_queue_job(self) -> None:
        from scale_tui.screens.action_flow import request_queue_job  # lazy, see _action_context

        request_queue_job(self)

    @on(JobsTable.MarksChanged)
    def _marks_changed(self) -> None:
        self._show_counts()

    def action_triage(self) -> None:
        self.console.open_triage()

    def on_jobs_changed(self, event) -> None:
        if getattr(event, "clears_marks", False):
            self.table.clear_marks()  # the action took them: a mark means "not acted on yet"
        self.notify(event.summary, title="Accepted by Scale")
        self.loop.now()
