"""What cancel and requeue will send, and how the console says it (no screen, no server)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from scale_tui.api import Forbidden, InvalidFilter, JobFilter, ServerError
from scale_tui.core.action_plan import (
    CHUNK_SIZE,
    ActionContext,
    Scope,
    accepted_summary,
    default_scope,
    effect_lines,
    explain_error,
    parse_priority,
    plan_action,
    scope_choices,
)


def usable(kind, ctx):
    return [c.scope for c in scope_choices(kind, ctx) if c.usable]


def test_default_scope_is_marked_jobs_if_any_else_the_cursor_job():
    f = JobFilter(status=["FAILED"])
    with_marks = ActionContext(7, marked=(1, 2), filter=f, matching=10)
    assert default_scope(scope_choices("cancel", with_marks)) is Scope.MARKED
    assert default_scope(scope_choices("cancel", ActionContext(7, filter=f))) is Scope.JOB
    assert default_scope(scope_choices("cancel", ActionContext(None, filter=f))) is Scope.FILTER


def test_cursor_job_is_sent_as_job_ids():
    plan = plan_action("cancel", ActionContext(42), Scope.JOB)
    assert plan.bodies() == [{"job_ids": [42]}]
    assert plan.request_text() == 'POST /v6/jobs/cancel/ {"job_ids": [42]}'


def test_requeue_marked_jobs_with_priority():
    plan = plan_action("requeue", ActionContext(1, marked=(5, 6, 5)), Scope.MARKED, priority=3)
    assert plan.bodies() == [{"job_ids": [5, 6], "priority": 3}]
    assert plan.target == "3 jobs marked"


def test_very_many_ids_are_sent_in_chunks():
    ids = tuple(range(1, 3 * CHUNK_SIZE + 2))
    plan = plan_action("cancel", ActionContext(None, marked=ids), Scope.MARKED)
    bodies = plan.bodies()
    assert [len(b["job_ids"]) for b in bodies] == [CHUNK_SIZE, CHUNK_SIZE, CHUNK_SIZE, 1]
    assert [i for b in bodies for i in b["job_ids"]] == list(ids)
    assert plan.request_text().endswith("… and 1 more requests like these")


def test_filter_scope_sends_the_action_body_with_plural_names_and_single_status():
    f = JobFilter(status=["FAILED"], job_type_name=["sam"], error_category=["DATA"],
                  started=timedelta(hours=1), order=["-last_modified"])  # fmt: skip
    plan = plan_action("requeue", ActionContext(None, filter=f), Scope.FILTER, priority=10)
    expected = {"status": "FAILED", "job_type_names": ["sam"], "error_categories": ["DATA"],
                "started": "PT1H", "priority": 10}  # fmt: skip
    assert plan.bodies() == [expected]
    assert plan.target == "every job matching: " + f.describe()
    assert not plan.touches_every_job


def test_several_statuses_cannot_be_one_request_but_can_be_one_per_status():
    f = JobFilter(status=["FAILED", "CANCELED"], job_type_name=["sam"])
    choices = {c.scope: c for c in scope_choices("requeue", ActionContext(None, filter=f))}
    assert not choices[Scope.FILTER].usable
    assert "single status" in choices[Scope.FILTER].problem
    with pytest.raises(InvalidFilter):
        plan_action("requeue", ActionContext(None, filter=f), Scope.FILTER)
    plan = plan_action("requeue", ActionContext(None, filter=f), Scope.EACH_STATUS)
    assert plan.bodies() == [
        {"status": "FAILED", "job_type_names": ["sam"]},
        {"status": "CANCELED", "job_type_names": ["sam"]},
    ]


def test_source_fields_refuse_the_filter_scope_and_offer_the_listed_jobs():
    f = JobFilter(source_sensor=["KOMPSAT"])
    ctx = ActionContext(None, filter=f, listed=(3, 4))
    choices = {c.scope: c for c in scope_choices("cancel", ctx)}
    assert "source" in choices[Scope.FILTER].problem
    assert Scope.EACH_STATUS not in choices
    assert plan_action("cancel", ctx, Scope.LISTED).bodies() == [{"job_ids": [3, 4]}]


def test_quick_filter_is_client_side_so_filter_scope_is_refused():
    ctx = ActionContext(None, filter=JobFilter(status=["FAILED"]), quick_filter="sam", listed=(9,))
    choices = {c.scope: c for c in scope_choices("cancel", ctx)}
    assert "quick filter /sam" in choices[Scope.FILTER].problem
    assert usable("cancel", ctx) == [Scope.LISTED]


def test_no_filter_at_all_touches_every_job():
    plan = plan_action("cancel", ActionContext(None, filter=JobFilter()), Scope.FILTER)
    assert plan.bodies() == [{}]
    assert plan.touches_every_job and plan.target == "every job"
    with_priority = plan_action("requeue", ActionContext(None, filter=JobFilter()), Scope.FILTER, 5)
    assert with_priority.bodies() == [{"priority": 5}] and with_priority.touches_every_job


@pytest.mark.parametrize("text", ["0", "-3", "abc", "1.5", "99999999999"])
def test_bad_priority_is_named(text):
    with pytest.raises(ValueError, match="priority"):
        parse_priority(text)


def test_priority_empty_means_none():
    assert parse_priority("  ") is None
    assert parse_priority(" 7 ") == 7


def test_cancel_effect_names_affected_and_skipped_statuses():
    lines = effect_lines("cancel", {"RUNNING": 2, "FAILED": 1, "COMPLETED": 4, "CANCELED": 1})
    assert lines == ["Cancels 3 jobs: 2 RUNNING, 1 FAILED.",
                     "Skipped, already final: 4 COMPLETED, 1 CANCELED."]  # fmt: skip


def test_requeue_effect_warns_about_running_jobs_and_never_queued_canceled_ones():
    text = " ".join(effect_lines("requeue", {"FAILED": 3, "RUNNING": 1, "CANCELED": 2}))
    assert "Requeues 3 FAILED, 2 CANCELED." in text
    assert "Also requeues 1 RUNNING" in text and "canceled and a new one queued" in text
    assert "never queued go back to PENDING" in text


def test_summary_says_accepted_not_done():
    plan = plan_action("cancel", ActionContext(42), Scope.JOB)
    assert accepted_summary(plan, 1) == (
        "Cancel of job 42 (1 job) accepted by the server; Scale applies it shortly."
    )


def test_non_staff_403_is_explained():
    exc = Forbidden(
        403,
        "You do not have permission to perform this action.",
        "http://x/v6/jobs/cancel/",
        "POST",
    )
    assert explain_error(exc) == (
        "The server refused: your account is not staff; actions need a staff account."
    )
    no_token = Forbidden(403, "Authentication credentials were not provided.", "", "POST")
    assert "no token was sent" in explain_error(no_token)
    assert "Server error (500)" in explain_error(
        ServerError(500, "boom", "http://x/v6/jobs/", "POST")
    )


def test_quick_filter_also_refuses_one_request_per_status():
    f = JobFilter(status=["FAILED", "CANCELED"])
    ctx = ActionContext(None, filter=f, quick_filter="sam", listed=(2, 3))
    assert Scope.EACH_STATUS not in [c.scope for c in scope_choices("requeue", ctx)]
    with pytest.raises(InvalidFilter, match="quick filter /sam"):
        plan_action("requeue", ctx, Scope.EACH_STATUS)


def test_the_filter_is_described_in_the_operators_zone_and_sent_in_utc():
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    start = datetime(2026, 1, 2, 12, 0, tzinfo=UTC)
    f = JobFilter(status=["FAILED"], started=start)
    ctx = ActionContext(None, filter=f)
    tokyo = ZoneInfo("Asia/Tokyo")  # UTC+9, no daylight saving
    [choice] = scope_choices("requeue", ctx, tokyo)
    assert "21:00" in choice.label and "12:00" not in choice.label
    plan = plan_action("requeue", ctx, Scope.FILTER, tz=tokyo)
    assert "21:00" in plan.target
    assert plan.bodies()[0]["started"].startswith("2026-01-02T12:00:00")
