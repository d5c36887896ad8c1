"""Issue 12 findings 5, 6, 9 and 11: what the jobs screen shows and remembers belongs to one
server and one filter. Switching profile clears rows, counts and marks before the new server
answers; filters are remembered by server URL and profile; marks clear once an action is
accepted; a 400 for a filter is shown beside the filter, not retried, and never over the rows
of the previous filter."""

from __future__ import annotations

import httpx
import pytest
from textual.widgets import Button

from scale_tui import app as app_module
from scale_tui.core import locations
from scale_tui.core.config import Profile
from scale_tui.core.failures import retry_helps
from scale_tui.screens import action_flow
from scale_tui.screens.confirm_action import ConfirmAction
from scale_tui.widgets.status_counts import StatusCounts
from tests.fakes import FakeScale
from tests.pilot import wait_until
from tests.tui.conftest import job_payload, plain_text, settle


@pytest.fixture(autouse=True)
def no_verification(monkeypatch):
    monkeypatch.setattr(action_flow, "VERIFY_DELAY", None)


def counts_line(jobs) -> str:
    return plain_text(jobs.query_one(StatusCounts))


# ---- finding 5


async def test_switching_profile_clears_rows_counts_and_marks_before_the_new_server_answers(
    make_app, monkeypatch
):
    old = FakeScale([job_payload(i, status="FAILED", minute=i) for i in range(1, 6)])
    new = FakeScale([job_payload(9001)])
    app = make_app(client=old.client(), name="first")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        await pilot.press("space", "space")  # space marks and moves down
        await pilot.pause()
        assert len(jobs.table.marked) == 2 and "2 marked" in counts_line(jobs)
        assert jobs.counts.get("FAILED") == 5
        new.hold()  # the new server does not answer yet
        monkeypatch.setattr(app_module, "make_client", lambda *a, **k: new.client())
        app.switch_profile("second", Profile(url="http://second.test", refresh_interval=300,
                                             read_only=True))
        await pilot.pause()
        drawn = " ".join(plain_text(jobs.query_one("#header"), width=300).split())
        assert drawn.startswith("second http://second.test READ-ONLY"), drawn  # as drawn
        assert "first" not in drawn and "refreshed" not in drawn  # nothing of the old server
        assert (jobs.table.row_count, jobs.jobs, jobs.total) == (0, [], None)
        assert not jobs.table.marked and "marked" not in counts_line(jobs)
        assert jobs.counts == {} and "5" not in counts_line(jobs)
        assert jobs.header_info().url == "http://second.test"
        new.release()
        await wait_until(pilot, lambda: jobs.table.job_ids == [9001])


# ---- finding 6


async def test_a_new_server_never_opens_with_another_servers_filter(make_app):
    scale = FakeScale([job_payload(1, status="FAILED"), job_payload(2)])
    one = make_app("http://one.test", client=scale.client(), name="default")
    async with one.run_test(size=(100, 24)) as pilot:
        await settle(pilot, one)
        await pilot.press("F")  # failed only, remembered for this server
        await settle(pilot, one)
    two = make_app("http://two.test", client=scale.client(), name="default")  # --url, new server
    async with two.run_test(size=(100, 24)) as pilot:
        await settle(pilot, two)
        assert two.screen.form.statuses == ()
    again = make_app("http://one.test", client=scale.client(), name="default")
    async with again.run_test(size=(100, 24)) as pilot:
        await settle(pilot, again)
        assert again.screen.form.statuses == ("FAILED",)


async def test_remembered_filters_never_store_a_password(make_app):
    scale = FakeScale([job_payload(1, status="FAILED")])
    app = make_app("http://ops:hunter2@one.test", client=scale.client(), name="ops")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        await pilot.press("F")
        await settle(pilot, app)
    saved = locations.last_filters_file().read_text()
    assert "hunter2" not in saved and "http://ops:***@one.test (ops)" in saved


# ---- finding 11


async def test_marks_clear_once_the_action_is_accepted(make_app):
    scale = FakeScale([job_payload(i, minute=i) for i in range(1, 5)])
    app = make_app(client=scale.client(), name="ops")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        await pilot.press("space", "space")
        marked = sorted(jobs.table.marked)
        assert len(marked) == 2
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmAction))
        dialog = app.screen
        await wait_until(pilot, lambda: not dialog.query_one("#confirm", Button).disabled)
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.screen is jobs)
        await settle(pilot, app)
        assert scale.posts == [("/v6/jobs/cancel/", {"job_ids": marked})]
        assert not jobs.table.marked and "marked" not in counts_line(jobs)


async def test_marks_stay_when_the_dialog_is_left(make_app):
    scale = FakeScale([job_payload(i, minute=i) for i in range(1, 5)])
    app = make_app(client=scale.client(), name="ops")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        await pilot.press("space")
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmAction))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is jobs)
        assert len(jobs.table.marked) == 1 and scale.posts == []


# ---- finding 9


async def test_a_400_for_a_filter_is_shown_beside_it_and_not_retried(fresh_stub, make_app):
    url = fresh_stub.url
    app = make_app(url, name="ops")
    async with app.run_test(size=(140, 30)) as pilot:
        jobs = app.screen
        await wait_until(pilot, lambda: jobs.table.row_count > 0)
        httpx.delete(f"{url}/_stub/requests")
        jobs.set_form(jobs.form.with_changes(batch_id="99999999999999999999999"))
        await wait_until(pilot, lambda: bool(jobs.filter_problem))
        await settle(pilot, app)
        assert "batch_id" in jobs.filter_problem
        assert jobs.table.row_count == 0  # never the previous filter's rows under this label
        summary = plain_text(jobs.filter_bar.query_one("#filter-summary"), width=400)
        assert "REJECTED by the server" in summary and "batch_id" in summary
        assert "The server rejected this filter" in plain_text(jobs.query_one("#empty"))
        assert jobs.loop._timer is None and jobs.connection.retry_at is None  # not re-armed
        sent = [r for r in httpx.get(f"{url}/_stub/requests").json()
                if ["batch_id", "99999999999999999999999"] in r["query"]]
        assert len(sent) == 1  # one request: neither the HTTP layer nor the screen retried
        jobs.set_form(jobs.form.with_changes(batch_id=""))  # mended: loads again at once
        await wait_until(pilot, lambda: jobs.table.row_count > 0)
        assert not jobs.filter_problem


def test_the_retry_rule_fresh11_can_call():
    from scale_tui.api import BadRequest, ScaleConnectionError, ServerError

    assert not retry_helps(BadRequest(400, "Parameter must be a valid integer"))
    assert retry_helps(ServerError(503, "down")) and retry_helps(ScaleConnectionError("x"))
