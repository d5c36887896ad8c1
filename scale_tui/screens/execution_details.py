"""Execution details (enter on an execution): status, times, node, error, the task timeline
(pull, pre, main, post as bars on one axis), each task's exit code and times, resources,
configuration and output. `l` opens its log."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from scale_tui.api import RUNNING, ExecutionDetails
from scale_tui.core import clock
from scale_tui.core.connection import describe_error
from scale_tui.core.sanitize import display_text
from scale_tui.core.task_timeline import task_spans
from scale_tui.screens.base import RefreshingScreen
from scale_tui.widgets import details_view as view
from scale_tui.widgets.console_footer import ConsoleFooter
from scale_tui.widgets.styles import PlainStatic
from scale_tui.widgets.task_timeline import TaskTimeline


class ExecutionDetailsScreen(RefreshingScreen):
    HELP_TITLE = "Execution details"
    REFRESH_GROUP = "execution-details"
    BINDINGS = [
        Binding("escape", "back", "Back", id="execution.back"),
        Binding("l", "log", "Log", id="execution.log"),
        Binding("r", "refresh", "Refresh", id="execution.refresh"),
    ]

    def __init__(self, job_id: int, exe_num: int) -> None:
        super().__init__()
        self.job_id = job_id
        self.exe_num = exe_num
        self.execution: ExecutionDetails | None = None

    def compose(self) -> ComposeResult:
        yield self.make_header(context=f"job {self.job_id} · execution {self.exe_num}")
        with VerticalScroll(id="execution-body"):
            yield PlainStatic(f"Loading execution {self.exe_num} of job {self.job_id}…",
                         id="execution-summary")
            yield PlainStatic(id="tasks-title", classes="section-title")
            yield TaskTimeline(id="task-timeline")
            yield PlainStatic(id="tasks")
            for name in ("Configuration", "Output"):
                yield PlainStatic(name, classes="section-title")
                yield PlainStatic(id=f"execution-{name.lower()}")
        yield ConsoleFooter()

    async def fetch(self) -> ExecutionDetails:
        return await self.console.client.get_job_execution(self.job_id, self.exe_num)

    def next_refresh(self, exe: ExecutionDetails) -> float | None:
        return super().next_refresh(exe) if exe.status == RUNNING else None

    def show(self, exe: ExecutionDetails) -> None:
        self.execution = exe
        tz = self.console.tz
        self.query_one("#execution-summary", Static).update(
            view.execution_summary(exe, clock.now(), tz))
        self.query_one("#tasks-title", Static).update("Tasks")
        self.query_one(TaskTimeline).show(task_spans(exe.task_results))
        self.query_one("#tasks", Static).update(view.task_results_table(exe, tz))
        self.query_one("#execution-configuration", Static).update(
            view.json_view(exe.configuration))
        self.query_one("#execution-output", Static).update(
            view.json_view(exe.output, "(no output yet)"))

    def show_missing(self, error: BaseException) -> None:
        self.query_one("#execution-summary", Static).update(
            f"Execution {self.exe_num} of job {self.job_id} does not exist (404). "
            "Press escape to go back.")

    def show_problem(self, error: BaseException, first: bool) -> None:
        if self.execution is None:
            self.query_one("#execution-summary", Static).update(display_text(
                f"Cannot load the execution: {describe_error(error)}\nRetrying; r retries now.",
                newlines=True, limit=None))
        elif first:
            self.notify(f"Execution {self.exe_num} of job {self.job_id} not refreshed: "
                        f"{describe_error(error)}; the last data stays on screen, marked stale.",
                        severity="warning")

    def action_log(self) -> None:
        if self.execution is None or self.execution.id is None:
            self.notify("The execution is not loaded yet.")
            return
        self.console.open_log(self.execution.id, job_id=self.job_id, exe_num=self.exe_num)
