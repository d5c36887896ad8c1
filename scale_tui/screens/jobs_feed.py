"""Loading and drawing the jobs list: the refresh itself, status counts, the connection state
and what the screen says when there is nothing to show. A mixin of `JobsScreen`, which owns the
layout, the keys and the filter form."""

from __future__ import annotations

import asyncio
import logging

from textual.widgets import Static

from scale_tui.api import JOB_STATUSES, Job, JobFilter, NotFound, Page, ScaleError
from scale_tui.core import clock, jobs_view
from scale_tui.core.connection import Connection, Freshness
from scale_tui.core.failures import rejected_request, retry_helps
from scale_tui.core.filter_form import FilterForm, FormErrors, to_job_filter
from scale_tui.core.first_page import first_page_key
from scale_tui.core.jobs_columns import job_cells
from scale_tui.widgets.console_header import ConsoleHeader
from scale_tui.widgets.status_counts import StatusCounts
from scale_tui.widgets.styles import server_text

log = logging.getLogger("scale_tui")


async def _early_answer(early) -> Page | None:
    """The page asked while the UI was importing (core/first_page.py), or None: none, or it
    failed (the screen asks again itself and reports a failure the usual way)."""
    if early is None:
        return None
    try:
        return await asyncio.wrap_future(early)
    except Exception as exc:
        log.info("first page asked early failed; asking again: %s", exc)
        return None


def _page_print(count: int, jobs: list[Job]) -> tuple:
    """What a page looked like: whether anything on it changed since the counts were asked."""
    return count, tuple((job.id, job.status, job.last_modified) for job in jobs)


class JobsFeed:
    """The half of the jobs screen that talks to the server and draws what it said."""

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
        key = (tuple(query.to_query()), self.page)
        early = None
        if self.page == 1:
            early = self.console.take_first_page(
                first_page_key(self.console.profile_name, self.console.profile.url, query, size))
        try:
            try:
                page = await _early_answer(early)
                if page is None:
                    page = await client.list_jobs(query, page=self.page, page_size=size)
            except NotFound:
                if self.page == 1:
                    raise
                self.page = 1  # fewer jobs than before: the page is gone
                page = await client.list_jobs(query, page=1, page_size=size)
        except ScaleError as exc:
            if self.console.client is not client:
                return None  # the profile changed meanwhile: this answer is another server's
            return self._failed(exc, key)
        if self.console.client is not client:
            return None  # another server's answer: never drawn under the new header
        # The client parsed the page in this same step; give the loop a turn before drawing, so
        # parsing and drawing a 1000-row page are two short stalls instead of one long one.
        await asyncio.sleep(0)
        self._succeeded()
        self.total, self.jobs = page.count, list(page.results)
        self._draw(key=(tuple(query.to_query()), self.page))
        idle = self.console.idle
        await self._load_counts(query, _page_print(page.count, self.jobs), idle=idle)
        if not self._job_type_names_loaded:
            await self._load_job_type_names()
        self._show_pace()
        return self.console.refresh_policy.idle_wait() if idle else self.console.refresh_interval

    async def _load_counts(self, query: JobFilter, page_print: tuple, *, idle: bool) -> None:
        """Count per status under the other filters: one `page_size=1` request each, one at a
        time. Asked again only when the filter changed, or the page changed and the counts are
        old enough; never while idle (the rule: core/refresh_policy.RefreshPolicy.counts_due)."""
        key = tuple(query.replace(status=[]).to_query())
        now = clock.now()
        age = None if self._counts_at is None else (now - self._counts_at).total_seconds()
        if not self.console.refresh_policy.counts_due(
                filter_changed=key != self._counts_key,
                page_changed=page_print != self._counts_page, age=age, idle=idle):
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
        self._counts_key, self._counts_at, self._counts_page = key, now, page_print
        self._show_counts()

    def activity_changed(self, woke: bool) -> None:
        """The operator came back (a key, the terminal's focus) or left (ScaleApp): back to the
        normal rate with a refresh at once, or say in the header that refreshes slow down."""
        if woke and self.loop and not self.loop.paused and self.console.server_ready:
            self.loop.now()
        self._show_pace()

    def _show_pace(self) -> None:
        policy = self.console.refresh_policy
        idle = policy.idle_text() if self.console.idle else ""
        counts = ""
        if self._counts_at is not None and self.last_refresh is not None \
                and self._counts_at < self.last_refresh:
            counts = self.clock_text(self._counts_at)
        for header in self.query(ConsoleHeader):
            header.show_pace(idle, counts)

    def _succeeded(self) -> None:
        recovered = not self.connection.healthy
        if self.filter_problem:
            self.filter_problem = ""
            self._show_filter_summary()
        self.refresh_succeeded()
        if recovered:
            self.notify("Connected again; the list is live.", title="Scale")

    def _failed(self, error: ScaleError, key: tuple | None = None) -> float | None:
        if key is not None and self._shown_key not in (None, key):
            self._forget_rows()  # they belong to another filter or page: never under this label
        if not retry_helps(error):
            return self._rejected(error)
        first = self.connection.healthy
        delay = self.refresh_failed(error)
        if first:
            kept = "; the last list stays on screen" if self.total is not None else ""
            # An absolute time, from the same schedule the header counts down: a toast that
            # said "in 30 s" would disagree with the header a few seconds later.
            at = self.clock_text(self.connection.retry_at)
            self.notify(f"{self.connection.problem}\nRetrying at {at} (the header counts down)"
                        f"{kept}.",
                        title="Cannot refresh jobs", severity="error", timeout=8)
        self._show_empty()
        return delay

    def _rejected(self, error: ScaleError) -> None:
        """A 400: the server refused this filter. Shown beside the filter and in the empty
        list, never retried by the schedule (core/failures.py); `r` or a new filter asks again."""
        self.connection.failed_for_good(error)
        self._stop_ticker()
        self.show_freshness()
        self.filter_problem = rejected_request(error)
        self._forget_rows()
        self._show_filter_summary()
        self.notify(f"The server rejected this filter: {self.filter_problem}",
                    title="Filter not applied", severity="error", timeout=10)
        return None

    def _forget_rows(self) -> None:
        self.total, self.jobs, self._shown_key = None, [], None
        self.table.show_jobs([], clock.now(), self.console.tz)
        self._show_counts()
        self._show_empty()

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
        elif self.filter_problem:
            message = (f"The server rejected this filter: {self.filter_problem}\n"
                       "f edits the filters, x clears them, r asks again.")
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
            message = (f"No jobs match: {self.current_query().describe(self.console.tz)}.\n"
                       "f edits the filters, x clears them.")
        empty.update(server_text(message, newlines=True, limit=None))  # may quote the server
        empty.display = True
        self.table.display = False

    def freshness(self) -> Freshness:
        if not self.console.server_ready:
            return Freshness("connecting", "no server" if self.console.server_problem
                             else "starting the server…")
        self.connection.paused = bool(self.loop and self.loop.paused)
        return super().freshness()

    def show_freshness(self) -> None:
        super().show_freshness()
        if not self.connection.healthy and self.total is None:
            self._show_empty()  # the countdown lives in the empty message too

    _show_header = show_freshness

    def _show_counts(self) -> None:
        # Marks before the find: c and R act on them, so they are the last thing to be cut.
        marked = len(self.table.marked)
        texts = [jobs_view.page_text(self.page, self.total, self.console.page_size,
                                     self.table.row_count, len(self.jobs), self.quick,
                                     short=short, marked=marked) for short in (False, True)]
        self.query_one(StatusCounts).show(self.counts, self.form.statuses, *texts)

    def _show_filter_summary(self) -> None:
        try:
            words = self.current_query().describe(self.console.tz)
        except FormErrors as exc:
            words = f"not applied: {exc}"
        if self.filter_problem:
            words = f"{words} · REJECTED by the server: {self.filter_problem}"
        sort = jobs_view.sort_words(self.form.order)
        self.filter_bar.show_summary(f"Filter: {words} · sort {sort}   (f edit, x clear)")


    def switch_server(self, form: FilterForm) -> None:
        """Another profile: forget this server's jobs and state, load the new one's filter."""
        self._stop_ticker()
        self.connection = Connection(self.console.refresh_policy)
        self.total, self.jobs, self.counts = None, [], {}
        self._shown_key = self._counts_key = self._counts_at = self._counts_page = None
        self.last_refresh = None
        self.filter_problem = ""
        self.table.clear_marks()
        self.table.show_jobs([], clock.now())
        self.filter_bar.set_job_type_names([])  # the old server's job types
        self.filter_bar.set_form(form)
        self.form, self.page = form, 1
        self.table.show_sort(form.order)
        self._show_filter_summary()
        self.show_identity()  # the header names the new server before it answers
        self._show_header()
        self._show_counts()  # no counts, no "N marked" until the new server answers
        self._show_empty()
        self._job_type_names_loaded = False
        if self.loop:
            self.loop.interval = self.console.refresh_interval
            self.loop.restart()
