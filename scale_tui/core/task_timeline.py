"""An execution's tasks (pull, pre, main, post) on one time axis: how long each ran, where it
sits in the execution, and how it ended. Plain logic for `widgets/task_timeline.py`.

Read from the execution's `task_results` as Scale writes them (docs/scale.md): every task is
listed; one never launched is `{"was_launched": false}`; a started one has `status` (FINISHED,
FAILED, KILLED) and `was_timed_out`; `exit_code` is absent rather than null when unknown.
Scale's `status` is shown when present; only an older server without it gets a status derived
from the launch flags and the exit code.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from scale_tui.api.lenient import read_timestamp

TASK_ORDER = ("pull", "pre", "main", "post")


@dataclass(frozen=True)
class TaskSpan:
    name: str
    status: str
    launched: datetime | None = None
    started: datetime | None = None
    ended: datetime | None = None  # None while it runs
    timed_out: bool = False
    exit_code: Any = None

    def duration(self, now: datetime) -> timedelta | None:
        if self.started is None:
            return None
        return (self.ended or now) - self.started


def task_spans(task_results: Any) -> list[TaskSpan]:
    """The tasks of `task_results` in Scale's order (pull, pre, main, post, then any other)."""
    tasks = task_results.get("tasks") if isinstance(task_results, dict) else None
    spans = []
    for task in tasks if isinstance(tasks, list) else []:
        if not isinstance(task, dict):
            continue
        name = str(task.get("type") or task.get("task_id") or "?")
        spans.append(TaskSpan(
            name=name, status=task_status(task),
            launched=read_timestamp(task.get("launched")),
            started=read_timestamp(task.get("started")),
            ended=read_timestamp(task.get("ended")),
            timed_out=task.get("was_timed_out") is True, exit_code=task.get("exit_code")))
    rank = {name: i for i, name in enumerate(TASK_ORDER)}
    return sorted(spans, key=lambda s: rank.get(s.name, len(rank)))


def task_status(task: dict) -> str:
    """Scale's `status` when it sent one, else what the flags and exit code say."""
    if isinstance(task.get("status"), str) and task["status"]:
        return task["status"]
    code = task.get("exit_code")
    if code is not None:
        return "FINISHED" if code == 0 else "FAILED"
    if task.get("was_started"):
        return "ENDED" if task.get("ended") else "RUNNING"
    return "LAUNCHED" if task.get("was_launched") else "NOT LAUNCHED"


@dataclass(frozen=True)
class Bar:
    """Where a task's bar sits in a track of `width` cells: `offset` empty cells, then `length`
    cells of bar (at least one for any task that ran)."""

    span: TaskSpan
    offset: int
    length: int


def bars(spans: list[TaskSpan], width: int, now: datetime) -> list[Bar]:
    """Proportional bars on one axis, from the first start to the last end (now while a task
    runs). Tasks that never started get no bar."""
    starts = [s.started for s in spans if s.started is not None]
    if not starts or width <= 0:
        return [Bar(s, 0, 0) for s in spans]
    first = min(starts)
    last = max((s.ended or now) for s in spans if s.started is not None)
    total = max((last - first).total_seconds(), 1e-6)
    result = []
    for span in spans:
        if span.started is None:
            result.append(Bar(span, 0, 0))
            continue
        begin = (span.started - first).total_seconds() / total
        end = ((span.ended or now) - first).total_seconds() / total
        offset = min(width - 1, int(begin * width))
        length = max(1, min(width - offset, round(end * width) - offset))
        result.append(Bar(span, offset, length))
    return result

