"""The execution's task timeline: Scale's task_results shape read as it is (every task listed,
unlaunched ones as {"was_launched": false}, status and was_timed_out on started ones, exit_code
absent rather than null), and bars proportional on one axis."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from scale_tui.core.task_timeline import bars, task_spans, task_status
from scale_tui.widgets.task_timeline import timeline_text

T0 = datetime(2026, 1, 1, 5, 0, tzinfo=UTC)


def at(seconds: float) -> str:
    return (T0 + timedelta(seconds=seconds)).isoformat().replace("+00:00", "Z")


def started(kind: str, start: float, end: float | None, status: str | None = None,
            **extra) -> dict:
    task = {"task_id": f"x_{kind}", "type": kind, "was_launched": True, "launched": at(start),
            "was_started": True, "started": at(start), "was_timed_out": False, **extra}
    if end is not None:
        task["ended"] = at(end)
    if status:
        task["status"] = status
    return task


RESULTS = {"version": "1.0", "tasks": [
    started("main", 40, 100, "FAILED", exit_code=137),
    started("pull", 0, 30, "FINISHED", exit_code=0),
    started("pre", 30, 40, "FINISHED"),  # exit_code omitted, not null
    {"task_id": "x_post", "type": "post", "was_launched": False},
]}


def test_tasks_in_scales_order_with_scales_status():
    spans = task_spans(RESULTS)
    assert [(s.name, s.status) for s in spans] == [
        ("pull", "FINISHED"), ("pre", "FINISHED"), ("main", "FAILED"), ("post", "NOT LAUNCHED")]
    assert spans[1].exit_code is None and spans[2].exit_code == 137
    assert spans[0].duration(T0) == timedelta(seconds=30)
    assert spans[3].started is None and spans[3].duration(T0) is None


def test_status_without_scales_field_comes_from_the_flags():
    assert task_status({"was_launched": False}) == "NOT LAUNCHED"
    assert task_status({"was_launched": True, "exit_code": 0}) == "FINISHED"
    assert task_status({"was_launched": True, "exit_code": 1}) == "FAILED"
    assert task_status({"was_launched": True, "was_started": True}) == "RUNNING"
    assert task_status({"status": "KILLED", "exit_code": 0}) == "KILLED"  # Scale's word wins


def test_bars_are_proportional_on_one_axis():
    laid = bars(task_spans(RESULTS), 100, T0)
    assert [(b.offset, b.length) for b in laid] == [(0, 30), (30, 10), (40, 60), (0, 0)]


def test_a_running_task_reaches_now_and_a_tiny_task_still_shows():
    spans = task_spans({"tasks": [started("pull", 0, 0.01, "FINISHED"),
                                  started("main", 1, None)]})
    laid = bars(spans, 50, T0 + timedelta(seconds=101))
    assert laid[0].length == 1  # 0.01 s of 101 s: one cell, never none
    assert laid[1].offset + laid[1].length == 50 and spans[1].status == "RUNNING"


def test_a_timed_out_pre_task_is_marked():
    spans = task_spans({"tasks": [started("pull", 0, 5, "FINISHED"),
                                  started("pre", 5, 65, "KILLED", was_timed_out=True)]})
    line = timeline_text(spans, 80, T0).plain.splitlines()[1]
    assert line.startswith("pre    KILLED ⏱") and "1m 00s" in line


def test_nothing_to_draw_without_task_results():
    assert task_spans(None) == [] and task_spans({"tasks": "x"}) == []
    assert bars([], 40, T0) == []
