"""The data half of the jobs screen: its state, the refresh worker, and the handlers that draw.

`JobsFeed` is a console screen; `screens/jobs.py` `JobsScreen` subclasses it with the layout,
the keys and the filter editing. Everything this class reads is defined here (state in
`__init__` and the reactives below; `table`, `filter_bar` are the widgets `JobsScreen`
composes).

Worker -> message -> handler (as `RefreshingScreen` in `screens/base.py`): the refresh worker
(`_load`, run by `screens/refresh.py`) only asks the server and posts what came back
(`PageLoaded`, `CountsLoaded`, `JobTypeNamesLoaded`, `LoadFailed`); the handlers below are the
only code that touches widgets. Each message names the client it came from: an answer from
the server of a profile the console has since left is dropped, never drawn under the new header.

Screen state that decides what is drawn is reactive: `form` (the filters and the sort; the
table's sort arrows are bound to `order`), `page`, `quick` (the find over the loaded page) and
`filter_problem` (the server's 400 for this filter); their watchers draw.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import datetime

from textual.reactive import var
from textual.widgets import Static

from scale_tui.api import JOB_STATUSES, Job, JobFilter, NotFound, Page, ScaleClient, ScaleError
from scale_tui.core import clock, jobs_view
from scale_tui.core.connection import Connection, Freshness
from scale_tui.core.failures import rejected_request, retry_helps
from scale_tui.core.filter_form import FilterForm, FormErrors, to_job_filter
from scale_tui.core.first_page import first_page_key
from scale_tui.core.jobs_columns import job_cells
from scale_tui.screens.base import ConsoleScreen
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.console_header import ConsoleHeader
from scale_tui.widgets.filter_bar import FilterBar
from scale_tui.widgets.guard import ScreenData
from scale_tui.widgets.jobs_table import JobsTable
from scale_tui.widgets.status_counts import StatusCounts
from scale_tui.widgets.styles import server_text

log = logging.getLogger("scale_tui")

PageKey = tuple[tuple[tuple[str, str], ...], int]
"""What a page shows: the query string asked and the page number."""


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


class JobsFeed(ConsoleScreen):
    """The jobs list of the current filter: loads it, and draws what the server said."""

    form: var[FilterForm] = var(FilterForm, init=False)
    """The server-side filters and the sort, as the screen asks them."""
    order: var[str] = var("-last_modified")
    """The sort (computed from `form`): the jobs table's sort arrows are bound to it."""
    page: var[int] = var(1, init=False)
    """The page asked and shown; the status line says which."""
    quick: var[str] = var("", init=False)
    """The find (`/`): which rows of the loaded page are shown."""
    filter_problem: var[str] = var("", init=False)
    """The server's 400 for the current filter, shown beside it ('' when none)."""

    class PageLoaded(ScreenData):
        """A page of jobs (`key`: the query and page number it answers)."""

        def __init__(self, client: ScaleClient, key: PageKey, result: Page[Job]) -> None:
            super().__init__()
            self.client, self.key, self.result = client, key, result

    class LoadFailed(ScreenData):
        """The page did not come. `first`: the first failure in a row; `rejected`: a 400, the
        server refused this filter (never retried by the schedule)."""

        def __init__(self, client: ScaleClient, error: ScaleError, key: PageKey, *,
                     first: bool = False, rejected: bool = False) -> None:
            super().__init__()
            self.client, self.error, self.key = client, error, key
            self.first, self.rejected = first, rejected

    class CountsLoaded(ScreenData):
        """The count per status under the other filters (`complete`: every status answered;
        otherwise the ones that did, and the rest wait for the next round)."""

        def __init__(self, client: ScaleClient, key: tuple, counts: dict[str, int], *,
                     complete: bool, page_print: tuple) -> None:
            super().__init__()
            self.client, self.key, self.counts = client, key, counts
            self.complete, self.page_print = complete, page_print

    class JobTypeNamesLoaded(ScreenData):
        """The job type names the filter offers."""

        def __init__(self, client: ScaleClient, names: list[str]) -> None:
            super().__init__()
            self.client, self.names = client, names

    def __init__(self, form: FilterForm | None = None) -> None:
        super().__init__()
        self.set_reactive(JobsFeed.form, form or FilterForm())
        self.total: int | None = None
        self.jobs: list[Job] = []
        self.counts: dict[str, int | None] = {}
        self.loop: RefreshLoop | None = None
        self._shown_key: PageKey | None = None
        self._counts_key: tuple | None = None
        self._counts_at: datetime | None = None
        self._counts_page: tuple | None = None  # the page when the counts were last asked
        self._job_type_names_loaded = False
        self._early = None  # (key, future) of the early first page taken at mount
        self._early_drawn: Page[Job] | None = None  # that page, when mount drew it already

    @property
    def table(self) -> JobsTable:
        return self.query_one(JobsTable)

    @property
    def filter_bar(self) -> FilterBar:
        return self.query_one(FilterBar)

    def jobs_by_id(self, job_id: int) -> Job | None:
        return next((job for job in self.jobs if job.id == job_id), None)

    def current_query(self) -> JobFilter:
        return to_job_filter(self.form)

    # ---- state that is drawn

    def compute_order(self) -> str:
        return self.form.order

    def watch_form(self) -> None:
        self._show_filter_summary()

    def watch_filter_problem(self) -> None:
        self._show_filter_summary()

    def watch_page(self) -> None:
        self._show_counts()

    def watch_quick(self) -> None:
        self._draw()

    # ---- the refresh worker: requests only, its answers posted

    async def _load(self) -> float | None:
        """One refresh (in the refresh worker): returns the seconds until the next one."""
        try:
            query = self.current_query()
        except FormErrors as exc:
            self.notify(str(exc), title="Filter not applied", severity="error")
            return None
        console = self.console
        client, size, number = console.client, console.page_size, self.page
        asked = tuple(query.to_query())
        key = (asked, number)
        early = None
        if number == 1:
            wanted = first_page_key(console.profile_name, console.profile.url, query, size)
            taken, self._early = self._early, None  # taken at mount, for this key only
            early = taken[1] if taken and taken[0] == wanted else console.take_first_page(wanted)
        try:
            try:
                page = await _early_answer(early)
                if page is None:
                    page = await client.list_jobs(query, page=number, page_size=size)
            except NotFound:
                if number == 1:
                    raise
                number = 1  # fewer jobs than before: the page is gone
                page = await client.list_jobs(query, page=1, page_size=size)
        except ScaleError as exc:
            if console.client is not client:
                return None  # the profile changed meanwhile: this answer is another server's
            return self._record_failure(client, exc, key)
        if console.client is not client:
            return None  # another server's answer: never drawn under the new header
        idle = console.idle
        if page is self._early_drawn:
            self._early_drawn = None  # drawn at mount already (draw_early_page): not again
            # The counts wait for that first frame to be painted (issue 15, docs/startup.md).
            await self._painted()
        else:
            self.post_message(self.PageLoaded(client, (asked, number), page))
            # A turn for the handler: the page is drawn before the counts' requests go out.
            await asyncio.sleep(0)
        await self._load_counts(client, query, _page_print(page.count, page.results), idle=idle)
        if not self._job_type_names_loaded:
            await self._load_job_type_names(client)
        return console.refresh_policy.idle_wait() if idle else console.refresh_interval

    async def _painted(self) -> None:
        """Until the screen has been refreshed (the frame with what is drawn now is out)."""
        painted = asyncio.get_running_loop().create_future()
        self.call_after_refresh(lambda: painted.done() or painted.set_result(None))
        await painted

    def _record_failure(self, client: ScaleClient, error: ScaleError,
                        key: PageKey) -> float | None:
        """The failure on the screen's `Connection` (the one schedule); the handler says it."""
        if not retry_helps(error):
            self.connection.failed_for_good(error)
            self.post_message(self.LoadFailed(client, error, key, rejected=True))
            return None
        first = self.connection.healthy
        delay = self.connection.failed(error, clock.now())
        self.post_message(self.LoadFailed(client, error, key, first=first))
        return delay

    async def _load_counts(self, client: ScaleClient, query: JobFilter, page_print: tuple, *,
                           idle: bool) -> None:
        """Count per status under the other filters: one `page_size=1` request each, one at a
        time. Asked again only when the filter changed, or the page changed and the counts are
        old enough; never while idle (the rule: core/refresh_policy.RefreshPolicy.counts_due)."""
        key = tuple(query.replace(status=[]).to_query())
        age = None if self._counts_at is None else (
            clock.now() - self._counts_at).total_seconds()
        if not self.console.refresh_policy.counts_due(
                filter_changed=key != self._counts_key,
                page_changed=page_print != self._counts_page, age=age, idle=idle):
            return
        counts: dict[str, int] = {}
        complete = True
        for status in JOB_STATUSES:
            try:
                result = await client.list_jobs(query.replace(status=[status]), page=1,
                                                page_size=1)
            except ScaleError:
                complete = False  # the page itself refreshed; counts wait for the next round
                break
            counts[status] = result.count
        self.post_message(self.CountsLoaded(client, key, counts, complete=complete,
                                            page_print=page_print))

    async def _load_job_type_names(self, client: ScaleClient) -> None:
        """The job type choices, once, inside the refresh (so still one request at a time)."""
        try:
            names = await client.list_job_type_names()
        except ScaleError as exc:
            log.warning("job type names not loaded (next refresh retries): %s", exc)
            return
        self.post_message(self.JobTypeNamesLoaded(client, names))

    def draw_early_page(self) -> None:
        """At mount: take the first page asked while the UI imported (core/first_page.py) and,
        if it has come already, draw it now, so the first frame has the rows (issue 15: a
        "Loading jobs…" frame first is a whole render more before them). The refresh worker
        then goes on from that page (its counts) without drawing it again; an answer still on
        its way, or a failure, is left to the worker, as before."""
        console = self.console
        if not console.server_ready or self.page != 1:
            return
        try:
            query = self.current_query()
        except FormErrors:
            return  # the worker says why
        key = first_page_key(console.profile_name, console.profile.url, query,
                             console.page_size)
        early = console.take_first_page(key)
        self._early = (key, early) if early is not None else None
        if early is None or not early.done() or early.cancelled() or early.exception():
            return
        page = early.result()
        self._early_drawn = page
        self.on_jobs_feed_page_loaded(
            self.PageLoaded(console.client, (tuple(query.to_query()), 1), page))

    # ---- handlers: what came back, drawn

    def on_jobs_feed_page_loaded(self, message: PageLoaded) -> None:
        if not self.from_current_server(message.client):
            return
        self._succeeded()
        self.total, self.jobs = message.result.count, list(message.result.results)
        self.page = message.key[1]
        self._draw(key=message.key)
        self._show_pace()

    def on_jobs_feed_load_failed(self, message: LoadFailed) -> None:
        if not self.from_current_server(message.client):
            return
        if self._shown_key not in (None, message.key):
            self._forget_rows()  # they belong to another filter or page: never under this label
        if message.rejected:
            self._rejected(message.error)
            return
        self.show_failure()
        if message.first:
            kept = "; the last list stays on screen" if self.total is not None else ""
            # An absolute time, from the same schedule the header counts down: a toast that
            # said "in 30 s" would disagree with the header a few seconds later.
            at = self.clock_text(self.connection.retry_at)
            self.notify(f"{self.connection.problem}\nRetrying at {at} (the header counts down)"
                        f"{kept}.",
                        title="Cannot refresh jobs", severity="error", timeout=8)
        self._show_empty()

    def on_jobs_feed_counts_loaded(self, message: CountsLoaded) -> None:
        if not self.from_current_server(message.client):
            return
        if message.key != self._counts_key:
            self.counts = {}
        self.counts.update(message.counts)
        if not message.complete:
            return
        # Stamped when drawn, after the page they came with: counts are never older than it.
        self._counts_key, self._counts_at = message.key, clock.now()
        self._counts_page = message.page_print
        self._show_counts()
        self._show_pace()

    def on_jobs_feed_job_type_names_loaded(self, message: JobTypeNamesLoaded) -> None:
        if not self.from_current_server(message.client):
            return
        self._job_type_names_loaded = True
        self.filter_bar.set_job_type_names(message.names)

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
        self.filter_problem = ""
        self.refresh_succeeded()
        if recovered:
            self.notify("Connected again; the list is live.", title="Scale")

    def _rejected(self, error: ScaleError) -> None:
        """A 400: the server refused this filter. Shown beside the filter and in the empty
        list, never retried by the schedule (core/failures.py); `r` or a new filter asks again."""
        self._stop_ticker()
        self.show_freshness()
        self.filter_problem = rejected_request(error)
        self._forget_rows()
        self.notify(f"The server rejected this filter: {self.filter_problem}",
                    title="Filter not applied", severity="error", timeout=10)

    def _forget_rows(self) -> None:
        self.total, self.jobs, self._shown_key = None, [], None
        self.table.show_jobs([], clock.now(), self.console.tz)
        self._show_counts()
        self._show_empty()

    # ---- drawing

    def _draw(self, *, key: PageKey | None = None) -> None:
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
        self.show_identity()  # the header names the new server before it answers
        self._show_header()
        self._show_counts()  # no counts, no "N marked" until the new server answers
        self._show_empty()
        self._job_type_names_loaded = False
        if self.loop:
            self.loop.interval = self.console.refresh_interval
            self.loop.restart()
