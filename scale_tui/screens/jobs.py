"""The home screen: the jobs of the current filter, live.

The screen owns the filter form, the page and the refresh loop; the widgets show them. Filters
and sort apply at once (the running request is cancelled, the latest filter wins); the periodic
refresh is single-flight; the table keeps the cursor on the same job through all of it.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Input, Static

from scale_tui import clock
from scale_tui.api import JOB_STATUSES, Job, JobFilter, NotFound, ScaleError
from scale_tui.screens import jobs_view
from scale_tui.screens.base import ConsoleScreen
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.connection import Connection
from scale_tui.widgets.filter_bar import FilterBar
from scale_tui.widgets.filter_form import FilterForm, FormErrors, to_job_filter
from scale_tui.widgets.jobs_table import ORDER_FIELDS, JobsTable, job_cells
from scale_tui.widgets.status_counts import StatusCounts

log = logging.getLogger("scale_tui")


class JobsScreen(ConsoleScreen):
    HELP_TITLE = "Jobs"
    HELP = """\
Filters (f) apply as you change them; the window restricts last_modified: all, 1h, 6h, 24h, 7d
(t cycles them), 90m / 3d, an ISO-8601 duration (PT30M, P2DT6H), a datetime with a time zone
(2026-01-05T00:00Z) or a range START/END. Find (/) only searches the rows on this page.
Sort (s, S, or click a header) is done by the server. Status counts ignore the status filter."""

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
        Binding("escape", "escape", "Clear find, then marks", id="jobs.escape", show=False),
    ]

    def __init__(self, form: FilterForm | None = None) -> None:
        super().__init__()
        self.form = form or FilterForm()
        self.page = 1
        self.total: int | None = None
        self.jobs: list[Job] = []
        self.counts: dict[str, int | None] = {}
        self.quick = ""
        self.connection = Connection()
        self.last_refresh = None
        self._shown_key: tuple | None = None
        self._counts_key: tuple | None = None
        self._counts_at = None
        self._before_failed_only: tuple[str, ...] = ()
        self._ticker = None
        self._job_type_names_loaded = False
        self.loop: RefreshLoop | None = None

    # ---- layout

    def compose(self) -> ComposeResult:
        yield self.make_header()
        yield StatusCounts(id="counts")
        yield FilterBar(self.form, id="filters")
        yield Input(placeholder="find on this page (enter keeps, escape clears)", id="quick",
                    compact=True)
        yield JobsTable(id="jobs")
        yield Static(id="empty")
        yield Footer()

    @property
    def table(self) -> JobsTable:
        return self.query_one(JobsTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def on_mount(self) -> None:
        self.table.show_sort(self.form.order)
        self._show_filter_summary()
        self.loop = RefreshLoop(self, self._load, self.console.refresh_interval,
                                group="jobs-refresh")
        self.table.focus()
        if self.console.server_ready:
            self.server_started()
        else:
            self._show_empty()
            self._show_header()

    def server_started(self) -> None:
        """The server is there (at once, or once the demo stub is up): start loading."""
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

    # ---- loading

    def jobs_by_id(self, job_id: int) -> Job | None:
        return next((job for job in self.jobs if job.id == job_id), None)

    def current_query(self) -> JobFilter:
        return to_job_filter(self.form)

    async def _load(self) -> float | None:
        try:
            query = self.current_query()
        except FormErrors as exc:
            self.notify(str(exc), title="Filter not applied", severity="error")
            return None
        client, size = self.console.client, self.console.page_size
        try:
            try:
                page = await client.list_jobs(query, page=self.page, page_size=size)
            except NotFound:
                if self.page == 1:
                    raise
                self.page = 1  # fewer jobs than before: the page is gone
                page = await client.list_jobs(query, page=1, page_size=size)
        except ScaleError as exc:
            return self._failed(exc)
        # The client parsed the page in this same step; give the loop a turn before drawing, so
        # parsing and drawing a 1000-row page are two short stalls instead of one long one.
        await asyncio.sleep(0)
        self._succeeded()
        self.total, self.jobs = page.count, list(page.results)
        self._draw(key=(tuple(query.to_query()), self.page))
        await self._load_counts(query)
        if not self._job_type_names_loaded:
            await self._load_job_type_names()
        return self.console.refresh_interval

    async def _load_counts(self, query: JobFilter) -> None:
        """Count per status under the other filters: one `page_size=1` request each, one at a
        time, at most every other refresh unless the filter changed (cheap on a real Scale)."""
        key = tuple(query.replace(status=[]).to_query())
        now = clock.now()
        due = (self._counts_at is None or key != self._counts_key
               or (now - self._counts_at).total_seconds() >= 2 * self.console.refresh_interval)
        if not due:
            return
        if key != self._counts_key:
            self.counts = {}
        for status in JOB_STATUSES:
            try:
                result = await self.console.client.list_jobs(query.replace(status=[status]),
                                                             page=1, page_size=1)
            except ScaleError:
                return  # the page itself refreshed; counts wait for the next round
            self.counts[status] = result.count
        self._counts_key, self._counts_at = key, now
        self._show_counts()

    def _succeeded(self) -> None:
        recovered = not self.connection.healthy
        self.last_refresh = clock.now()
        self.connection.succeeded(self.last_refresh)
        self._stop_ticker()
        if recovered:
            self.notify("Connected again; the list is live.", title="Scale")
        self._show_header()

    def _failed(self, error: ScaleError) -> float:
        first = self.connection.healthy
        delay = self.connection.failed(error, clock.now())
        log.warning("refresh failed: %s", self.connection.problem)
        if first:
            kept = "; the last list stays on screen" if self.total is not None else ""
            self.notify(f"{self.connection.problem}\nRetrying in {delay:g} s{kept}.",
                        title="Cannot refresh jobs", severity="error", timeout=8)
        if self._ticker is None:
            self._ticker = self.set_interval(1.0, self._show_header, name="retry-countdown")
        self._show_header()
        self._show_empty()
        return delay

    def _stop_ticker(self) -> None:
        if self._ticker is not None:
            self._ticker.stop()
            self._ticker = None

    async def _load_job_type_names(self) -> None:
        """The job type choices, once, inside the refresh (so still one request at a time)."""
        try:
            names = await self.console.client.list_job_type_names()
        except ScaleError as exc:
            log.warning("job type names not loaded (next refresh retries): %s", exc)
            return
        self._job_type_names_loaded = True
        self.filter_bar.set_job_type_names(names)

    # ---- drawing

    def _draw(self, *, key: tuple | None = None) -> None:
        """Show the loaded page through the quick filter. Rows are marked as changed only when
        the same query and page are shown again (a new filter is not a change in the jobs)."""
        now, tz = clock.now(), self.console.tz
        cells = [job_cells(job, now, tz) for job in self.jobs]
        shown = [(job, row) for job, row in zip(self.jobs, cells, strict=True)
                 if jobs_view.quick_match(row, self.quick)]
        same = key is None or key == self._shown_key
        if key is not None:
            self._shown_key = key
        self.table.show_jobs([job for job, _ in shown], now, tz, mark_changes=same,
                             cells=[row for _, row in shown])
        self._show_counts()
        self._show_empty()

    def _show_empty(self) -> None:
        empty = self.query_one("#empty", Static)
        if self.table.row_count:
            empty.display = False
            self.table.display = True
            if self.focused is None:  # hiding the empty table dropped the focus
                self.table.focus()
            return
        if self.console.server_problem:
            message = self.console.server_problem + "\n\nPress q to quit."
        elif not self.console.server_ready:
            message = "Starting the demo server…"
        elif not self.connection.healthy and self.total is None:
            message = (f"{self.connection.problem}\n\n{self.connection.state_text(clock.now())}"
                       ". Press r to retry now, q to quit.")
        elif self.total is None:
            message = "Loading jobs…"
        elif self.jobs and self.quick:
            message = f"No job on this page matches '{self.quick}' (escape clears the find)."
        else:
            message = (f"No jobs match: {self.current_query().describe()}.\n"
                       "f edits the filters, x clears them.")
        empty.update(message)
        empty.display = True
        self.table.display = False

    def _show_header(self) -> None:
        conn = self.connection
        conn.paused = bool(self.loop and self.loop.paused)
        state = conn.state_text(clock.now())
        if not self.console.server_ready:
            state = "starting the server…" if not self.console.server_problem else "no server"
        self.query_one("#header").show(self.header_info(
            state=state,
            stale=conn.stale_text(self.clock_text(conn.last_ok)),
            refreshed=self.clock_text(self.last_refresh) if self.last_refresh else "",
        ))
        if not conn.healthy and self.total is None:
            self._show_empty()  # the countdown lives in the empty message too

    def _show_counts(self) -> None:
        text = jobs_view.page_text(self.page, self.total, self.console.page_size,
                                   self.table.row_count, len(self.jobs), self.quick)
        if self.table.marked:
            text += f" · {len(self.table.marked)} marked"
        self.query_one(StatusCounts).show(self.counts, self.form.statuses, text)

    def _show_filter_summary(self) -> None:
        try:
            words = self.current_query().describe()
        except FormErrors as exc:
            words = f"not applied: {exc}"
        order = self.form.order
        arrow = "▼" if order.startswith("-") else "▲"
        self.filter_bar.show_summary(f"Filter: {words} · sort {order.lstrip('-')} {arrow}"
                                     "   (f edit, x clear)")

    # ---- filters and sorting

    def change_form(self, **changes: Any) -> None:
        """Apply filter changes (keeping every other field), save them, reload from page 1."""
        form = self.form.with_changes(**changes)
        if form == self.form:
            return
        self.form = form
        self.page = 1
        self.table.show_sort(form.order)
        self._show_filter_summary()
        self._save_form()
        if self.loop:
            self.loop.restart()

    def set_form(self, form: FilterForm) -> None:
        """Replace the whole form (a jump from details, a profile switch)."""
        self.filter_bar.set_form(form)
        self.change_form(**{k: getattr(form, k) for k in form.to_dict()})

    def _save_form(self) -> None:
        try:
            from scale_tui import state
        except ImportError:
            return
        state.save_last_filter(self.console.profile_name, self.form.to_dict())

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
        self.quick = event.value.strip()
        self._draw()

    @on(Input.Submitted, "#quick")
    def _quick_submitted(self) -> None:
        if not self.quick:
            self.query_one("#quick", Input).display = False
        self.table.focus()

    def action_escape(self) -> None:
        quick = self.query_one("#quick", Input)
        if self.filter_bar.is_open:
            self.filter_bar.action_close()
        elif quick.display and (self.quick or quick.has_focus):
            quick.value = ""
            quick.display = False
            self.table.focus()
        elif self.table.marked:
            self.table.clear_marks()
            self._show_counts()

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
        from scale_tui.screens.actions import ActionContext

        try:
            query = self.current_query()
        except FormErrors:
            query = JobFilter()
        return ActionContext(cursor_job_id=self.table.cursor_job_id,
                             marked=tuple(sorted(self.table.marked)), filter=query,
                             matching=self.total)

    def action_cancel(self) -> None:
        from scale_tui.screens.actions import request_action

        request_action(self, "cancel", self._action_context())

    def action_requeue(self) -> None:
        from scale_tui.screens.actions import request_action

        request_action(self, "requeue", self._action_context())

    def action_queue_job(self) -> None:
        from scale_tui.screens.actions import request_queue_job

        request_queue_job(self)

    def on_jobs_changed(self, event) -> None:
        self.notify(event.summary, title="Accepted by Scale")
        self.loop.now()

    def switch_server(self, form: FilterForm) -> None:
        """Another profile: forget this server's jobs and state, load the new one's filter."""
        self.connection = Connection()
        self.total, self.jobs, self.counts = None, [], {}
        self._shown_key = self._counts_key = self._counts_at = None
        self.last_refresh = None
        self.table.clear_marks()
        self.table.show_jobs([], clock.now())
        self.filter_bar.set_form(form)
        self.form, self.page = form, 1
        self.table.show_sort(form.order)
        self._show_filter_summary()
        self._show_header()
        self._job_type_names_loaded = False
        if self.loop:
            self.loop.interval = self.console.refresh_interval
            self.loop.restart()
