"""Job details (enter on a job): summary, executions, input, output, configuration, manifest,
raw JSON. Refreshes itself while the job can still change; a job that vanished says so."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Static, TabbedContent, TabPane

from scale_tui.api import FINAL_STATUSES, JobDetails, ScaleError
from scale_tui.core import clock
from scale_tui.core.connection import describe_error
from scale_tui.core.formatting import format_size, format_time
from scale_tui.screens.action_flow import ActionContext, request_action
from scale_tui.screens.base import RefreshingScreen
from scale_tui.widgets import details_view as view
from scale_tui.widgets.console_footer import ConsoleFooter
from scale_tui.widgets.fast_table import SizedTable
from scale_tui.widgets.guard import ScreenData
from scale_tui.widgets.styles import PlainStatic, server_text

INPUT_FILES_PAGE = 25
SECTIONS = ("executions", "input", "output", "configuration", "manifest", "raw")


class JobDetailsScreen(RefreshingScreen):
    HELP_TITLE = "Job details"
    REFRESH_GROUP = "job-details"
    HELP = """\
Sections: 1 executions, 2 input, 3 output, 4 configuration, 5 manifest, 6 raw JSON.
Enter opens the newest execution; in the executions table (1) it opens the one under the
cursor, and l its log. Elsewhere l opens the newest execution's log.
< and > follow the superseded chain; b and e list the jobs of this job's batch or recipe."""

    BINDINGS = [
        Binding("escape", "back", "Back", id="details.back"),
        Binding("enter", "open_execution", "Open the newest execution", id="details.open",
                show=False),
        Binding("l", "log", "Log", id="details.log"),
        Binding("r", "refresh", "Refresh", id="details.refresh"),
        Binding("less_than_sign", "superseded", "Older job (superseded)",
                id="details.superseded", show=False),
        Binding("greater_than_sign", "superseded_by", "Newer job (superseded by)",
                id="details.superseded_by", show=False),
        Binding("b", "batch_jobs", "Jobs of this batch", id="details.batch", show=False),
        Binding("e", "recipe_jobs", "Jobs of this recipe", id="details.recipe", show=False),
        Binding("c", "cancel", "Cancel job…", id="details.cancel", show=False),
        Binding("R", "requeue", "Requeue job…", id="details.requeue", show=False),
        Binding("right_square_bracket", "input_page(1)", "Next page of input files",
                id="details.next_files", show=False),
        Binding("left_square_bracket", "input_page(-1)", "Previous page of input files",
                id="details.previous_files", show=False),
        *(Binding(str(n), f"section('{name}')", f"Section: {name}", id=f"details.section_{name}",
                  show=False) for n, name in enumerate(SECTIONS, start=1)),
    ]

    def __init__(self, job_id: int) -> None:
        super().__init__()
        self.job_id = job_id
        self.job: JobDetails | None = None
        self.executions = []
        self.files_page = 1
        self.files_total = 0

    def compose(self) -> ComposeResult:
        yield self.make_header(context=f"job {self.job_id}")
        with VerticalScroll(id="summary-box"):
            yield PlainStatic(f"Loading job {self.job_id}…", id="summary")
        with TabbedContent(id="sections"):
            with TabPane("1 Executions", id="executions"):
                yield SizedTable(id="executions-table", cursor_type="row")
            with TabPane("2 Input", id="input"), VerticalScroll():
                yield PlainStatic(id="input-data")
                yield PlainStatic(id="input-files")
            for number, (name, title) in enumerate(
                    (("output", "Output"), ("configuration", "Configuration"),
                     ("manifest", "Manifest"), ("raw", "Raw JSON")), start=3):
                with TabPane(f"{number} {title}", id=name), VerticalScroll():
                    yield PlainStatic(id=f"{name}-body")
        yield ConsoleFooter()

    def on_mount(self) -> None:
        table = self.query_one("#executions-table", DataTable)
        table.add_columns(*view.EXECUTION_COLUMNS)  # RefreshingScreen.on_mount then loads

    async def fetch(self) -> tuple[JobDetails, list | None, ScaleError | None]:
        """The job, then its executions (a failure there keeps the last list, with a word)."""
        client = self.console.client
        job = await client.get_job(self.job_id)
        try:
            executions = (await client.list_job_executions(self.job_id)).results
        except ScaleError as exc:
            return job, None, exc
        return job, executions, None

    def next_refresh(self, data) -> float | None:
        # A job in a final state changes only if someone acts on it (then we refresh anyway).
        return None if data[0].status in FINAL_STATUSES else super().next_refresh(data)

    def show(self, data) -> None:
        job, executions, problem = data
        if problem is not None:
            self.notify(f"Executions not loaded: {describe_error(problem)}", severity="warning")
        self.job = job
        if executions is not None:
            self.executions = executions
        self._show_job()
        self._load_input_files()

    def show_missing(self, error: BaseException) -> None:
        self.job = None
        self.query_one("#summary", Static).update(Text(
            f"Job {self.job_id} does not exist on this server (404): it may have been deleted, "
            "or the id is wrong. Press escape to go back."))
        self.query_one("#sections").display = False

    def show_problem(self, error: BaseException, first: bool) -> None:
        if self.job is None:
            self.query_one("#summary", Static).update(server_text(
                f"Cannot load job {self.job_id}: {describe_error(error)}\nRetrying; r retries now.",
                newlines=True, limit=None))
        elif first:
            self.notify(f"Job {self.job_id} not refreshed: {describe_error(error)}; the last "
                        "data stays on screen, marked stale.", severity="warning")

    def _show_job(self) -> None:
        job, tz = self.job, self.console.tz
        self.query_one("#sections").display = True
        self.query_one("#summary", Static).update(view.job_summary(job, clock.now(), tz))
        self._show_executions()
        data = job.input
        self.query_one("#input-data", Static).update(view.json_view(
            data.model_dump(mode="json", by_alias=True) if data else None, "(no input data)"))
        output = job.output.model_dump(mode="json", by_alias=True) if job.output else None
        self.query_one("#output-body", Static).update(view.json_view(output, "(no output yet)"))
        self.query_one("#configuration-body", Static).update(view.json_view(job.configuration))
        manifest = job.job_type_rev.manifest if job.job_type_rev else None
        self.query_one("#manifest-body", Static).update(view.json_view(manifest))
        self.query_one("#raw-body", Static).update(
            view.json_view(job.model_dump(mode="json", by_alias=True)))

    def _show_executions(self) -> None:
        table = self.query_one("#executions-table", DataTable)
        cursor = table.cursor_row
        with self.app.batch_update():
            table.clear()
            for exe in self.executions:
                table.add_row(*view.execution_cells(exe, self.console.tz),
                              key=f"{exe.exe_num}:{exe.id}")
            if table.row_count:
                table.move_cursor(row=min(cursor, table.row_count - 1), animate=False)

    class FilesFetched(ScreenData):
        """A page of input files (or why it did not come), for the handler to draw."""

        def __init__(self, page: int, result=None, error: ScaleError | None = None) -> None:
            super().__init__()
            self.page, self.result, self.error = page, result, error

    @work(group="input-files", exclusive=True, exit_on_error=False)
    async def _load_input_files(self) -> None:
        page = self.files_page
        try:
            result = await self.console.client.list_job_input_files(
                self.job_id, page=page, page_size=INPUT_FILES_PAGE)
        except ScaleError as exc:
            self.post_message(self.FilesFetched(page, error=exc))
            return
        self.post_message(self.FilesFetched(page, result))

    def on_job_details_screen_files_fetched(self, message: FilesFetched) -> None:
        box = self.query_one("#input-files", Static)
        if message.error is not None:
            box.update(server_text(f"Input files not loaded: {describe_error(message.error)}",
                                   limit=None))
            return
        self.files_total = message.result.count
        box.update(_files_table(message.result.results, message.page, message.result.count,
                                self.console.tz))

    # ---- keys

    def action_section(self, name: str) -> None:
        self.query_one(TabbedContent).active = name
        if name == "executions":
            self.query_one("#executions-table").focus()

    def action_input_page(self, delta: int) -> None:
        last = max(1, -(-self.files_total // INPUT_FILES_PAGE))
        page = min(max(1, self.files_page + delta), last)
        if page != self.files_page:
            self.files_page = page
            self._load_input_files()

    def _selected_execution(self):
        table = self.query_one("#executions-table", DataTable)
        if not self.executions:
            return None
        if table.has_focus and table.row_count:
            return self.executions[min(table.cursor_row, len(self.executions) - 1)]
        return self.executions[0]  # newest first

    def action_log(self) -> None:
        exe = self._selected_execution()
        if exe is None or exe.id is None:
            self.notify(f"Job {self.job_id} has no execution yet, so it has no log.")
            return
        self.console.open_log(exe.id, job_id=self.job_id, exe_num=exe.exe_num)

    def action_open_execution(self) -> None:
        """Enter outside the executions table: the newest execution (listed first)."""
        exe = self.executions[0] if self.executions else None
        if exe is None or exe.exe_num is None:
            self.notify(f"Job {self.job_id} has no execution yet.")
            return
        self.console.open_execution(self.job_id, exe.exe_num)

    @on(DataTable.RowSelected, "#executions-table")
    def _open_execution(self, event: DataTable.RowSelected) -> None:
        exe = self.executions[event.cursor_row]
        if exe.exe_num is not None:
            self.console.open_execution(self.job_id, exe.exe_num)

    def _follow(self, link, what: str) -> None:
        if link is None or link.id is None:
            self.notify(f"Job {self.job_id} has no {what}.")
            return
        self.console.open_job(link.id)  # pushed: escape walks back along the chain

    def action_superseded(self) -> None:
        self._follow(self.job.superseded_job if self.job else None, "superseded (older) job")

    def action_superseded_by(self) -> None:
        self._follow(self.job.superseded_by_job if self.job else None, "superseding (newer) job")

    def action_batch_jobs(self) -> None:
        if self.job and self.job.batch and self.job.batch.id is not None:
            self.console.jump_to_jobs(batch_id=str(self.job.batch.id))
        else:
            self.notify(f"Job {self.job_id} is not part of a batch.")

    def action_recipe_jobs(self) -> None:
        if self.job and self.job.recipe and self.job.recipe.id is not None:
            self.console.jump_to_jobs(recipe_id=str(self.job.recipe.id))
        else:
            self.notify(f"Job {self.job_id} was not created by a recipe.")

    def _act(self, kind: str) -> None:

        request_action(self, kind, ActionContext(cursor_job_id=self.job_id))

    def action_cancel(self) -> None:
        self._act("cancel")

    def action_requeue(self) -> None:
        self._act("requeue")

    def on_jobs_changed(self, event) -> None:
        self.notify(event.summary, title="Accepted by Scale")
        self.loop.now()


def _files_table(files, page: int, total: int, tz):

    pages = max(1, -(-total // INPUT_FILES_PAGE))
    title = Text(f"Input files: {total} (page {page}/{pages}; [ and ] turn pages)")
    table = Table(box=None, header_style="bold", title_justify="left", pad_edge=False,
                  title=title)
    for column in ("Id", "File name", "Size", "Media type", "Workspace", "Created"):
        # Server text is cut with an ellipsis, so a long media type cannot push the id out.
        table.add_column(column, no_wrap=column != "File name", overflow="ellipsis"
                         if column != "File name" else "fold",
                         max_width=None if column in ("Id", "File name") else 32)
    for f in files:
        table.add_row(server_text(f.id), server_text(f.file_name or "-"),
                      format_size(f.file_size), server_text(f.media_type or "-"),
                      server_text((f.workspace.name if f.workspace else None) or "-"),
                      format_time(f.created, tz))
    return table
