"""Rich renderables for the job and execution details screens: summaries, task results, JSON.

Pure functions of the models (no widgets, no HTTP), so each screen is mostly layout. Text that
came from the server always goes through `server_text` / `display_text` (scale_tui/core/
sanitize.py) into a `Text`: never parsed as markup, never a control character on screen.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any

from rich.console import Console, ConsoleOptions, Group, RenderableType, RenderResult
from rich.highlighter import JSONHighlighter
from rich.measure import Measurement
from rich.table import Table
from rich.text import Text

from scale_tui.api import RUNNING, Execution, ExecutionDetails, JobDetails
from scale_tui.api.lenient import read_timestamp
from scale_tui.core.formatting import (
    DASH,
    format_clock,
    format_duration,
    format_size,
    format_time,
)
from scale_tui.core.sanitize import MAX_FIELD_CHARS, display_text, json_text, more_marker
from scale_tui.core.task_timeline import task_status
from scale_tui.widgets.styles import server_text, status_text

Row = tuple[str, RenderableType]


def pairs_table(rows: Iterable[Row], columns: int = 2) -> Table:
    """Label/value pairs laid out `columns` pairs per line."""
    table = Table.grid(padding=(0, 2), expand=False)
    for _ in range(columns):
        table.add_column(style="bold", no_wrap=True)
        table.add_column(overflow="fold")
    line: list[RenderableType] = []
    for label, value in rows:
        line += [label, value if not isinstance(value, str) else server_text(value)]
        if len(line) == 2 * columns:
            table.add_row(*line)
            line = []
    if line:
        table.add_row(*line, *[""] * (2 * columns - len(line)))
    return table


class Pairs:
    """Label/value pairs, two to a line where there is room, else one to a line: at 80 columns
    two pairs would fold host names and times in the middle."""

    def __init__(self, rows: list[Row], two_from: int = 100) -> None:
        self.rows, self.two_from = rows, two_from

    def _table(self, width: int) -> Table:
        return pairs_table(self.rows, 2 if width >= self.two_from else 1)

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> RenderResult:
        yield self._table(options.max_width)

    def __rich_measure__(self, console: Console, options: ConsoleOptions) -> Measurement:
        return Measurement.get(console, options, self._table(options.max_width))


def _span(a: datetime | None, b: datetime | None) -> str:
    return format_duration(b - a) if a and b else DASH


def job_summary(job: JobDetails, now: datetime, tz: tzinfo = UTC) -> RenderableType:
    title = Text()
    title.append(f"Job {job.id}  ", style="bold")
    title.append(display_text(job.job_type_label) or "unknown job type", style="bold cyan")
    if job.job_type and job.job_type.title:
        title.append(f"  {display_text(job.job_type.title)}", style="dim")
    title.append("  ")
    title.append_text(status_text(job.status))
    if job.is_superseded:
        title.append("  superseded", style="bold magenta")
    rows: list[Row] = [
        ("Created", format_time(job.created, tz)),
        ("Queued", format_time(job.queued, tz)),
        ("Started", format_time(job.started, tz)),
        ("Ended", format_time(job.ended, tz)),
        ("Last modified", format_time(job.last_modified, tz)),
        ("Status since", format_time(job.last_status_change, tz)),
        ("Run time", _run_time(job, now)),
        ("Queue wait", _span(job.queued, job.started)),
        ("Node", job.node.hostname or DASH if job.node else DASH),
        ("Executions", f"{job.num_exes if job.num_exes is not None else DASH} of "
                       f"{job.max_tries if job.max_tries is not None else DASH} tries"),
        ("Recipe", _recipe_text(job)),
        ("Batch", _batch_text(job)),
        ("Supersedes", _link_text(job.superseded_job, "<")),
        ("Superseded by", _link_text(job.superseded_by_job, ">")),
        ("Event", _event_text(job, tz)),
        ("Priority", str((job.configuration or {}).get("priority", DASH))),
        ("Input size", format_size(job.input_file_size * 1024 * 1024)
         if job.input_file_size is not None else DASH),
        ("Source", _source_text(job, tz)),
    ]
    parts: list[RenderableType] = [title, Text()]
    if job.error:
        error = Text()
        error.append("Error  ", style="bold")
        error.append(display_text(job.error.text) or DASH, style="bold red")
        if job.error.name:
            error.append(f"  ({display_text(job.error.name)})", style="dim")
        if job.error.description:
            error.append("\n       " + display_text(job.error.description))
        parts += [error, Text()]
    parts.append(Pairs(rows))
    return Group(*parts)


def _run_time(job: JobDetails, now: datetime) -> str:
    if job.status == RUNNING and job.started:
        return format_duration(now - job.started) + " (running)"
    if job.ended:
        return _span(job.started, job.ended)
    # Scale does not set `ended` on cancel: the run stopped when the status last changed.
    return _span(job.started, job.last_status_change)


def _recipe_text(job: JobDetails) -> str:
    if not job.recipe or job.recipe.id is None:
        return DASH
    kind = job.recipe.recipe_type.name if job.recipe.recipe_type else ""
    return f"{job.recipe.id} {kind}".strip() + "  (e: its jobs)"


def _batch_text(job: JobDetails) -> str:
    if not job.batch or job.batch.id is None:
        return DASH
    return f"{job.batch.id} {job.batch.title or ''}".strip() + "  (b: its jobs)"


def _link_text(link: Any, key: str) -> str:
    if link is None or getattr(link, "id", None) is None:
        return DASH
    label = link.job_type.label if getattr(link, "job_type", None) else ""
    status = getattr(link, "status", None) or ""
    return f"job {link.id} {label} {status}".replace("  ", " ").strip() + f"  ({key})"


def _event_text(job: JobDetails, tz: tzinfo) -> str:
    if not job.event:
        return DASH
    return f"{job.event.type or DASH} at {format_time(job.event.occurred, tz)}"


def _source_text(job: JobDetails, tz: tzinfo) -> str:
    names = [job.source_sensor_class, job.source_sensor, job.source_collection, job.source_task]
    text = " / ".join(n or DASH for n in names) if any(names) else ""
    if job.source_started or job.source_ended:
        text += f"  {format_time(job.source_started, tz)} → {format_time(job.source_ended, tz)}"
    return text.strip() or DASH


def execution_summary(exe: ExecutionDetails, now: datetime, tz: tzinfo = UTC) -> RenderableType:
    title = Text()
    title.append(f"Execution {exe.exe_num} of job {exe.job.id if exe.job else DASH}  ",
                 style="bold")
    title.append(f"(id {display_text(exe.id)})  ", style="dim")
    title.append_text(status_text(exe.status))
    rows: list[Row] = [
        ("Created", format_time(exe.created, tz)),
        ("Queued", format_time(exe.queued, tz)),
        ("Started", format_time(exe.started, tz)),
        ("Ended", format_time(exe.ended, tz)),
        ("Run time", format_duration(exe.duration) if exe.ended else
         (format_duration(now - exe.started) + " (running)" if exe.started else DASH)),
        ("Queue wait", _span(exe.queued, exe.started)),
        ("Node", exe.node.hostname or DASH if exe.node else DASH),
        ("Cluster id", exe.cluster_id or DASH),
        ("Timeout", format_duration_seconds(exe.timeout)),
        ("Input size", format_size(exe.input_file_size * 1024 * 1024)
         if exe.input_file_size is not None else DASH),
        ("Resources", _resources_text(exe.resources)),
    ]
    parts: list[RenderableType] = [title, Text()]
    if exe.error:
        error = Text("Error  ", style="bold")
        error.append(display_text(exe.error.text) or DASH, style="bold red")
        if exe.error.description:
            error.append("\n       " + display_text(exe.error.description))
        parts += [error, Text()]
    parts.append(Pairs(rows))
    return Group(*parts)


def format_duration_seconds(seconds: int | None) -> str:
    return DASH if seconds is None else format_duration(timedelta(seconds=seconds))


def _resources_text(resources: dict[str, Any] | None) -> str:
    values = (resources or {}).get("resources", resources or {})
    if not isinstance(values, dict) or not values:
        return DASH
    return ", ".join(f"{k} {v:g}" if isinstance(v, int | float) else f"{k} {v}"
                     for k, v in values.items())


def task_results_table(exe: ExecutionDetails, tz: tzinfo = UTC) -> RenderableType:
    """Each task (pull, pre, main, post) with its exit code and times: v6 keeps exit codes here."""
    tasks = (exe.task_results or {}).get("tasks") if isinstance(exe.task_results, dict) else None
    if not tasks:
        running = exe.status == RUNNING
        return Text("No task results yet (the execution is running)." if running
                    else "No task results recorded.", style="dim")
    table = Table(box=None, header_style="bold", pad_edge=False)
    # Times of day only: the dates are in the summary above, and 80 columns must do.
    for column in ("Task", "Status", "Exit", "Launched", "Started", "Ended", "Run time"):
        # Task and Status are server text: cut, so the exit code and times stay on screen.
        table.add_column(column, no_wrap=True, min_width=4, overflow="ellipsis",
                         max_width=24 if column in ("Task", "Status") else None)
    for task in tasks:
        if not isinstance(task, dict):
            continue
        started, ended = read_timestamp(task.get("started")), read_timestamp(task.get("ended"))
        code = task.get("exit_code")
        table.add_row(
            server_text(task.get("type") or task.get("task_id") or DASH),
            server_text(task_status(task)),
            server_text(DASH if code is None else code, style="bold red" if code else ""),
            format_clock(read_timestamp(task.get("launched")), tz), format_clock(started, tz),
            format_clock(ended, tz), _span(started, ended),
        )
    return table



def json_view(data: Any, empty: str = "(nothing)") -> RenderableType:
    """Pretty JSON, highlighted; literal text, so nothing in it is read as markup, and through
    `json_text`, so a control character in a value shows as its ``\\u`` escape. Strings longer
    than `MAX_FIELD_CHARS` are cut with a count (the screen is for reading; `scale-tui job N -o
    json` has them whole)."""
    if data in (None, {}, []):
        return Text(empty, style="dim")
    # As rich.json.JSON draws it (highlighted, not wrapped), but from our own escaped text.
    text = Text(json_text(_cut_strings(data), indent=2), no_wrap=True, overflow=None)
    JSONHighlighter().highlight(text)
    return text


def _cut_strings(data: Any, depth: int = 0) -> Any:
    """``data`` with long strings cut; recursive to a depth of 64 (the parser caps input at 200;
    anything deeper than 64 is shown as one cut string)."""
    if isinstance(data, str):
        if len(data) > MAX_FIELD_CHARS:
            return data[:MAX_FIELD_CHARS] + more_marker(len(data) - MAX_FIELD_CHARS)
        return data
    if depth > 64:  # deeper than any Scale payload; shown as one cut string, never recursed
        return display_text(json.dumps(data, default=str), limit=MAX_FIELD_CHARS)
    if isinstance(data, dict):
        return {_cut_strings(str(k), depth + 1): _cut_strings(v, depth + 1)
                for k, v in data.items()}
    if isinstance(data, list):
        return [_cut_strings(v, depth + 1) for v in data]
    return data


def execution_cells(exe: Execution, tz: tzinfo = UTC) -> tuple[Any, ...]:
    return (
        Text(str(exe.exe_num if exe.exe_num is not None else DASH), justify="right"),
        Text(str(exe.id if exe.id is not None else DASH), justify="right"),
        status_text(exe.status),
        server_text((exe.node.hostname if exe.node else None) or DASH),
        format_time(exe.started, tz),
        format_time(exe.ended, tz),
        format_duration(exe.duration),
        server_text(exe.error_text or DASH),
    )


EXECUTION_COLUMNS = ("Exe", "Id", "Status", "Node", "Started", "Ended", "Duration", "Error")
