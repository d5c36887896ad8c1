"""The plain decisions under the console: formats, filter forms, backoff, sorting, paging."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import httpx
import pytest

from scale_tui.api import Forbidden, InvalidFilter, ScaleConnectionError
from scale_tui.core import jobs_view
from scale_tui.core.connection import Connection
from scale_tui.core.filter_form import (
    FilterForm,
    FormErrors,
    parse_ids,
    parse_window,
    to_job_filter,
)
from scale_tui.core.formatting import format_duration, format_short_time, format_time, zone
from scale_tui.core.jobs_columns import short_host
from scale_tui.core.refresh_policy import RefreshPolicy

NOW = datetime(2026, 3, 4, 12, 0, tzinfo=UTC)


@pytest.mark.parametrize(("seconds", "text"), [
    (0, "0s"), (43, "43s"), (60, "1m 00s"), (303, "5m 03s"), (3720, "1h 02m"),
    (86400 + 4 * 3600, "1d 04h"), (-5, "0s"),
])
def test_durations_are_short_and_human(seconds, text):
    assert format_duration(timedelta(seconds=seconds)) == text


def test_unknown_duration_and_time_are_a_dash():
    assert format_duration(None) == "-" and format_time(None) == "-"


def test_table_times_shorten_by_distance_from_now():
    assert format_short_time(NOW - timedelta(hours=2), NOW) == "10:00:00"
    assert format_short_time(datetime(2026, 1, 5, 9, 30, tzinfo=UTC), NOW) == "01-05 09:30"
    assert format_short_time(datetime(2025, 12, 31, 23, 0, tzinfo=UTC), NOW) == "2025-12-31"


def test_times_are_utc_by_default_and_follow_the_profile_zone():
    moment = datetime(2026, 7, 1, 12, 0, tzinfo=UTC)
    assert format_time(moment) == "2026-07-01 12:00:00"
    assert format_time(moment, zone("Europe/Paris")) == "2026-07-01 14:00:00"
    assert zone("No/Such_Zone") is UTC


def test_window_presets_roll_and_typed_windows_are_checked():
    assert parse_window("all") == (None, None)
    assert parse_window("24h") == (timedelta(hours=24), None)
    assert parse_window("90m") == (timedelta(minutes=90), None)
    assert parse_window("PT30M") == (timedelta(minutes=30), None)
    start, end = parse_window("2026-01-01T00:00:00Z/2026-01-02T00:00:00Z")
    assert (start.day, end.day) == (1, 2)
    for bad in ("P1W", "yesterday", "2026-01-01T00:00:00", "0h",
                "/2026-01-01T00:00Z"):
        with pytest.raises(InvalidFilter):
            parse_window(bad)


def test_ids_accept_commas_and_spaces_and_name_the_bad_one():
    assert parse_ids("12, 13 14", "batch id") == [12, 13, 14]
    with pytest.raises(InvalidFilter, match="'x3'"):
        parse_ids("12 x3", "batch id")


def test_form_becomes_scale_query_with_newest_first_and_stable_paging():
    form = FilterForm(statuses=("FAILED",), job_type_name="sam", window="1h",
                      error_category="DATA", recipe_id="7", superseded="no",
                      source_task="t1")
    query = to_job_filter(form).to_query()
    assert ("status", "FAILED") in query and ("job_type_name", "sam") in query
    assert ("started", "PT1H") in query and ("error_category", "DATA") in query
    assert ("recipe_id", "7") in query and ("is_superseded", "false") in query
    assert ("source_task", "t1") in query
    assert [v for k, v in query if k == "order"] == ["-last_modified", "-id"]


def test_a_form_with_bad_fields_names_each_of_them():
    with pytest.raises(FormErrors) as caught:
        to_job_filter(FilterForm(window="P1M", batch_id="a"))
    assert set(caught.value.errors) == {"window", "batch_id"}


def test_saved_form_survives_junk_and_round_trips():
    form = FilterForm(statuses=("RUNNING",), window="6h", order="-duration")
    assert FilterForm.from_dict(form.to_dict()) == form
    assert FilterForm.from_dict({"statuses": "oops", "superseded": "maybe", "x": 1}) == FilterForm()
    assert FilterForm.from_dict(None) == FilterForm()


def test_backoff_doubles_then_caps_at_the_interval_and_success_resets_it():
    conn = Connection(RefreshPolicy(interval=30.0))
    request = httpx.Request("GET", "http://x/v6/jobs/")
    down = ScaleConnectionError("refused", str(request.url))
    delays = [conn.failed(down, NOW) for _ in range(7)]
    assert delays == [2, 4, 8, 16, 30, 30, 30]
    assert conn.state_text(NOW + timedelta(seconds=20)) == "offline: retrying in 10 s"
    assert conn.freshness(NOW, "12:00:00").level == "offline"
    conn.succeeded(NOW)
    assert conn.state_text(NOW) == "live" and conn.stale_text("12:00:00") == ""
    assert conn.freshness(NOW, "12:00:00").is_live


def test_forbidden_is_retried_on_the_same_schedule_and_says_what_to_check():
    conn = Connection(RefreshPolicy(interval=5.0), last_ok=NOW)
    forbidden = Forbidden(403, "Authentication credentials were not provided.")
    delays = [conn.failed(forbidden, NOW) for _ in range(3)]
    assert delays == [2, 4, 5] and "token" in conn.problem  # back within one interval
    assert conn.state_text(NOW) == "forbidden (403): retrying in 5 s"
    assert conn.stale_text("12:00:00") == "stale since 12:00:00"
    fresh = conn.freshness(NOW, "12:00:00")
    assert (fresh.level, fresh.stale) == ("forbidden", "stale since 12:00:00")


def test_sort_cycles_columns_in_their_natural_direction_and_flips():
    assert jobs_view.next_sort("-last_modified") == "-duration"
    assert jobs_view.next_sort("node__hostname") == "-last_modified"
    assert jobs_view.reverse_sort("-id") == "id"
    assert jobs_view.sort_on("-id", "id") == "id"
    assert jobs_view.sort_on("-id", "status") == "status"


def test_window_key_cycles_presets():
    assert [jobs_view.next_window(w) for w in ("all", "1h", "7d", "PT5M")] == [
        "1h", "6h", "all", "1h"]


def test_quick_filter_needs_every_word_somewhere_in_the_row():
    row = ("12", "sam 1.0", "FAILED", "ALGORITHM: Timeout", "node-3")
    assert jobs_view.quick_match(row, "failed timeout")
    assert jobs_view.quick_match(row, "")
    assert not jobs_view.quick_match(row, "failed data")


def test_page_line_says_where_we_are():
    assert jobs_view.page_text(2, 250, 100, 100, 100, "") == "250 jobs · page 2/3"
    assert jobs_view.page_text(1, 0, 100, 0, 0, "") == "0 jobs · page 1/1"
    assert "find 'x': 3 of 100" in jobs_view.page_text(1, 250, 100, 3, 100, "x")


def test_the_status_line_keeps_the_page_at_80_columns():
    from scale_tui.api import JOB_STATUSES
    from scale_tui.widgets.status_counts import render_counts

    counts = dict(zip(JOB_STATUSES, (12, 8, 34, 19, 61, 99_999, 43), strict=True))
    page = jobs_view.page_text(1, 100_176, 100, 100, 100, "", short=True)
    assert page == "100176 · p1/1002"
    line = render_counts(counts, (), page, short=True)
    assert line.cell_len <= 78 and line.plain.endswith("│ 100176 · p1/1002")
    quick = jobs_view.page_text(1, 250, 100, 3, 100, "tile", short=True)
    assert quick == "250 · p1/3 · find 3/100"


def test_node_names_are_shortened_but_addresses_are_not():
    assert short_host("scale-agent-03.cluster.local") == "scale-agent-03"
    assert short_host("10.4.4.10") == "10.4.4.10"
    assert short_host(None) == "-"


def test_task_results_show_each_tasks_outcome_from_its_exit_code_and_flags():
    """Scale's task results (v1.0) have no status field: the table derives one per task."""
    from rich.console import Console

    from scale_tui.api import ExecutionDetails
    from scale_tui.widgets.details_view import task_results_table

    exe = ExecutionDetails.model_validate({
        "id": 5, "status": "FAILED", "exe_num": 1,
        "task_results": {"version": "1.0", "tasks": [
            {"task_id": "a_pull", "type": "pull", "was_launched": True, "was_started": True,
             "started": "2026-01-01T00:00:00Z", "ended": "2026-01-01T00:00:05Z"},
            {"task_id": "a_pre", "type": "pre", "was_launched": True, "was_started": True,
             "exit_code": 0},
            {"task_id": "a_main", "type": "main", "was_launched": True, "was_started": True,
             "exit_code": 137},
            {"task_id": "a_post", "type": "post", "was_launched": True, "was_started": False},
        ]},
    })
    console = Console(width=100, record=True, color_system=None)
    console.print(task_results_table(exe))
    rows = {line.split()[0]: line.split()[1:3] for line in console.export_text().splitlines()[1:]
            if line.strip()}
    # without Scale's status the same rule as the task timeline (core/task_timeline.py)
    assert rows["pull"][0] == "ENDED"
    assert rows["pre"][:2] == ["FINISHED", "0"]
    assert rows["main"][:2] == ["FAILED", "137"]
    assert rows["post"][0] == "LAUNCHED"
