"""Cancel, requeue and queue-new-job through the dialogs, as an operator drives them.

The server is the one fake Scale (tests/fakes.py) holding a fixed set of jobs: it answers
counts, records every POST body exactly as sent, and is told to refuse by scripted answers.
(The same flows against the real stub over loopback are in tests/e2e.)
"""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest
from textual.app import App
from textual.widgets import Button, Input, OptionList, RadioSet, Static

from scale_tui.api import JobFilter
from scale_tui.core import action_plan as plan_module
from scale_tui.screens import action_flow as action_screens
from scale_tui.screens.action_flow import (
    ActionContext,
    request_action,
    request_queue_job,
)
from scale_tui.screens.confirm_action import ConfirmAction
from scale_tui.screens.queue_job import QueueJobScreen
from tests.fakes import FakeScale
from tests.pilot import HostApp, wait_until

JOB_TYPES = Path(__file__).parents[1] / "fixtures" / "scale-ui" / "job-type-details"

# id -> (status, job type name)
JOBS = {
    1: ("RUNNING", "sam"), 2: ("FAILED", "sam"), 3: ("FAILED", "sam"), 4: ("COMPLETED", "sam"),
    5: ("CANCELED", "cem"), 6: ("QUEUED", "cem"), 7: ("FAILED", "cem"), 8: ("PENDING", "scm"),
}  # fmt: skip


def job_types() -> list[dict]:
    """scale-ui's job type details (with their manifests), as the server's job types."""
    return [json.loads(path.read_text()) for path in sorted(JOB_TYPES.glob("*.json"))]


def actions_app(scale: FakeScale, read_only: bool = False) -> HostApp:
    """What the console's app offers the action screens: client, read_only, open_job."""
    return HostApp(scale.client(), profile_name="prod", read_only=read_only)


@pytest.fixture(autouse=True)
def no_verification(monkeypatch):
    monkeypatch.setattr(action_screens, "VERIFY_DELAY", None)


def actions_scale() -> FakeScale:
    """Just enough of Scale v6 for the dialogs; `posts` holds (path, body) of every POST."""
    jobs = [{"id": i, "status": status, "job_type": {"name": name, "version": "1.0"}}
            for i, (status, name) in JOBS.items()]
    return FakeScale(jobs, job_types=job_types())


@pytest.fixture
def scale():
    return actions_scale()


def text(app: App, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


async def open_confirm(pilot, kind, ctx) -> ConfirmAction:
    request_action(pilot.app.screen, kind, ctx)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConfirmAction)
    return pilot.app.screen


async def confirm(pilot) -> None:
    # Button.press, not a click: Textual ignores a second click within its 0.2 s active effect.
    pilot.app.screen.query_one("#confirm", Button).press()
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_cancel_cursor_job_says_what_it_touches_and_sends_job_ids(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        host = pilot.app.screen
        dialog = await open_confirm(pilot, "cancel", ActionContext(1))
        assert "Job 1: 1 matching right now." in text(pilot.app, "#counts")
        assert "Cancels 1 job: 1 RUNNING." in text(pilot.app, "#effect")
        assert 'POST /v6/jobs/cancel/ {"job_ids": [1]}' in text(pilot.app, "#request")
        assert not dialog.query_one("#typed-row").display
        assert str(dialog.query_one("#confirm", Button).label) == "Cancel 1 job"
        await confirm(pilot)
        assert scale.posts == [("/v6/jobs/cancel/", {"job_ids": [1]})]
        assert pilot.app.screen is host
        assert host.changes == [
            "Cancel of job 1 (1 job) accepted by the server; Scale applies it shortly."
        ]


async def test_marked_jobs_are_the_default_scope_and_skipped_statuses_are_named(scale):
    ctx = ActionContext(2, marked=(1, 4, 5), filter=JobFilter(job_type_name=["sam"]), matching=4)
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "cancel", ctx)
        assert dialog.query_one("#scope", RadioSet).pressed_button.name == "marked"
        assert "3 jobs marked: 3 matching right now." in text(pilot.app, "#counts")
        effect = text(pilot.app, "#effect")
        assert "Cancels 1 job: 1 RUNNING." in effect
        assert "Skipped, already final: 1 COMPLETED, 1 CANCELED." in effect
        assert str(dialog.query_one("#confirm", Button).label) == "Cancel 1 job"
        await confirm(pilot)
        assert scale.posts == [("/v6/jobs/cancel/", {"job_ids": [1, 4, 5]})]


async def test_requeue_every_failed_job_of_a_type_with_priority(scale):
    f = JobFilter(status=["FAILED"], job_type_name=["sam"])
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "requeue", ActionContext(None, filter=f, matching=3))
        assert dialog.query_one("#scope", RadioSet).pressed_button.name == "filter"
        # The list said 3, but only 2 match now: the dialog says both.
        assert "Every job matching: status FAILED, job type sam: 2 matching right now " in text(
            pilot.app, "#counts"
        )
        assert "(the list showed 3)" in text(pilot.app, "#counts")
        assert "Requeues 2 FAILED." in text(pilot.app, "#effect")
        dialog.query_one("#priority", Input).value = "5"
        await pilot.pause()
        expected = {"status": "FAILED", "job_type_names": ["sam"], "priority": 5}
        assert json.dumps(expected) in text(pilot.app, "#request")
        await confirm(pilot)
        assert scale.posts == [("/v6/jobs/requeue/", expected)]


async def test_requeue_warns_that_running_and_queued_jobs_are_requeued_too(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        await open_confirm(pilot, "requeue", ActionContext(None, marked=(1, 5, 6, 7)))
        effect = text(pilot.app, "#effect")
        assert "Requeues 1 FAILED, 1 CANCELED." in effect
        assert "Also requeues 1 QUEUED, 1 RUNNING" in effect
        assert "never queued go back to PENDING" in effect


async def test_after_acceptance_the_console_reports_what_changed(scale, monkeypatch):
    monkeypatch.setattr(action_screens, "VERIFY_DELAY", 0)
    scale.apply = True  # cancel/requeue by id apply at once (real Scale: a moment later)
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        host = pilot.app.screen
        await open_confirm(pilot, "requeue", ActionContext(None, marked=(2, 3)))
        await confirm(pilot)
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert host.changes == [
            "Requeue of 2 jobs marked (2 jobs) accepted by the server; Scale applies it shortly.",
            "Requeue of 2 jobs marked: now 2 QUEUED (was 2 FAILED).",
        ]


async def test_nothing_to_change_means_nothing_to_confirm(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "cancel", ActionContext(4))  # COMPLETED
        assert text(pilot.app, "#effect").startswith(
            "Cancels nothing.\nSkipped, already final: 1 COMPLETED."
        )
        assert dialog.query_one("#confirm", Button).disabled


async def test_invalid_priority_is_named_and_nothing_is_sent(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "requeue", ActionContext(2))
        dialog.query_one("#priority", Input).value = "0"
        await pilot.pause()
        assert "priority: must be at least 1" in text(pilot.app, "#error")
        assert dialog.query_one("#confirm", Button).disabled
        await confirm(pilot)
        assert scale.posts == []


async def test_cancel_without_filter_needs_typed_confirmation(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "cancel", ActionContext(None, filter=JobFilter()))
        assert dialog.query_one("#typed-row").display
        assert "EVERY job on the server" in text(pilot.app, "#typed-label")
        assert "Every job: 8 matching right now." in text(pilot.app, "#counts")
        assert dialog.focused is dialog.query_one("#typed", Input)  # no button is the default
        assert dialog.query_one("#confirm", Button).disabled
        await pilot.press("enter")
        await pilot.press(*"all", "enter")
        await pilot.pause()
        assert dialog.query_one("#confirm", Button).disabled
        assert scale.posts == []
        dialog.query_one("#typed", Input).value = "every"
        await pilot.pause()
        await confirm(pilot)
        assert scale.posts == [("/v6/jobs/cancel/", {})]


async def test_several_statuses_offer_one_request_per_status(scale):
    f = JobFilter(status=["FAILED", "CANCELED"])
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "requeue", ActionContext(None, filter=f, matching=4))
        problems = " ".join(str(s.render()) for s in dialog.query(".problem"))
        assert "single status" in problems
        assert dialog.query_one("#scope", RadioSet).pressed_button.name == "each-status"
        assert "4 matching right now" in text(pilot.app, "#counts")
        await confirm(pilot)
        assert scale.posts == [
            ("/v6/jobs/requeue/", {"status": "FAILED"}),
            ("/v6/jobs/requeue/", {"status": "CANCELED"}),
        ]


async def test_more_matching_jobs_at_confirm_time_asks_again(scale):
    f = JobFilter(status=["FAILED"])
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "cancel", ActionContext(None, filter=f, matching=3))
        scale.job(8)["status"] = "FAILED"  # a job fails while the operator reads the dialog
        await confirm(pilot)
        assert scale.posts == []
        assert "More jobs match now than when this opened (3 → 4)" in text(pilot.app, "#error")
        assert "4 matching right now" in text(pilot.app, "#counts")
        assert isinstance(pilot.app.screen, ConfirmAction) and dialog.is_attached
        await confirm(pilot)
        assert scale.posts == [("/v6/jobs/cancel/", {"status": "FAILED"})]


async def test_many_jobs_go_in_chunks_and_a_retry_sends_only_what_was_not_accepted(
    scale, monkeypatch
):
    monkeypatch.setattr(plan_module, "CHUNK_SIZE", 2)
    unavailable = httpx.Response(503, text="<html><title>Service Unavailable</title></html>")
    scale.on("POST", ".*", None, unavailable, None)  # only the second POST fails
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        await open_confirm(pilot, "cancel", ActionContext(None, marked=(1, 2, 3, 6, 7)))
        assert "… and" not in text(pilot.app, "#request")
        assert text(pilot.app, "#request").count("POST /v6/jobs/cancel/") == 3
        await confirm(pilot)
        assert "(1 of 3 requests were accepted)" in text(pilot.app, "#error")
        assert "Service Unavailable" in text(pilot.app, "#error")
        await confirm(pilot)
        assert [body for _, body in scale.posts] == [
            {"job_ids": [1, 2]}, {"job_ids": [3, 6]}, {"job_ids": [3, 6]}, {"job_ids": [7]}
        ]
        assert not isinstance(pilot.app.screen, ConfirmAction)


async def test_non_staff_403_is_explained_in_the_dialog(scale):
    scale.on("POST", ".*", httpx.Response(
        403, json={"detail": "You do not have permission to perform this action."}))
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        await open_confirm(pilot, "cancel", ActionContext(1))
        await confirm(pilot)
        assert text(pilot.app, "#error") == (
            "The server refused: your account is not staff; actions need a staff account."
        )
        assert isinstance(pilot.app.screen, ConfirmAction)
        assert pilot.app.screen_stack[-2].changes == []


@pytest.mark.parametrize("kind", ["cancel", "requeue", "queue"])
async def test_read_only_refuses_every_action(scale, kind):
    async with actions_app(scale, read_only=True).run_test(size=(120, 45)) as pilot:
        host = pilot.app.screen
        if kind == "queue":
            request_queue_job(host)
        else:
            request_action(host, kind, ActionContext(1, marked=(2,), filter=JobFilter()))
        await pilot.pause()
        assert pilot.app.screen is host
        [note] = pilot.app._notifications
        assert "refused: profile 'prod' is read-only" in note.message
        assert scale.posts == []


async def choose_job_type(pilot, label: str) -> QueueJobScreen:
    request_queue_job(pilot.app.screen)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    dialog = pilot.app.screen
    options = dialog.query_one("#job-types", OptionList)
    ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
    options.highlighted = ids.index(label)
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()
    return dialog


async def test_queue_form_is_built_from_the_manifest_and_sends_typed_values(scale):
    async with actions_app(scale).run_test(size=(130, 45)) as pilot:
        dialog = await choose_job_type(pilot, "optional-json\x001.0.0")
        labels = [str(label.render()) for label in dialog.query("ManifestForm Label")]
        assert labels == [
            "input_file (required): one file id; application/octet-stream",
            "INPUT_JSON (optional): text",
        ]
        dialog.query_one("#input-0", Input).value = "12"
        dialog.query_one("#input-1", Input).value = "hello"
        dialog.query_one("#priority", Input).value = "2"
        await pilot.pause()
        assert text(pilot.app, "#request") == (
            'Will send: POST /v6/jobs/ {"job_type_id": 14, "input": '
            '{"files": {"input_file": [12]}, "json": {"INPUT_JSON": "hello"}}, '
            '"configuration": {"priority": 2}}'
        )
        await confirm_queue(pilot)
        assert scale.posts == [(
            "/v6/jobs/",
            {"job_type_id": 14, "input": {"files": {"input_file": [12]},
             "json": {"INPUT_JSON": "hello"}}, "configuration": {"priority": 2}},
        )]  # fmt: skip
        assert pilot.app.opened == [901]


async def confirm_queue(pilot) -> None:
    await pilot.click("#queue")
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


async def test_local_validation_names_the_input_and_sends_nothing(scale):
    async with actions_app(scale).run_test(size=(130, 45)) as pilot:
        dialog = await choose_job_type(pilot, "cem\x001.0")
        dialog.query_one("#input-0", Input).value = "12, 13"
        await confirm_queue(pilot)
        assert text(pilot.app, "#error-0") == "image: takes one file, got 2"
        assert text(pilot.app, "#error-1").startswith("signature: required")
        assert scale.posts == []


async def test_server_400_is_shown_beside_the_form_and_input_is_kept(scale):
    scale.on("POST", "/v6/jobs/", httpx.Response(
        400, json={"detail": "Invalid data: file 99999 does not exist"}))
    async with actions_app(scale).run_test(size=(130, 45)) as pilot:
        dialog = await choose_job_type(pilot, "cem\x001.0")
        dialog.query_one("#input-0", Input).value = "99999"
        dialog.query_one("#input-1", Input).value = "7"
        await confirm_queue(pilot)
        assert pilot.app.screen is dialog
        assert text(pilot.app, "#server-error") == (
            "The server rejected the job: Invalid data: file 99999 does not exist"
        )
        assert dialog.query_one("#input-0", Input).value == "99999"
        assert dialog.query_one("#input-1", Input).value == "7"
        assert not dialog.query_one("#queue", Button).disabled
        assert pilot.app.opened == []


def test_confirmation_layout_for_marked_jobs(snap_compare, scale):
    ctx = ActionContext(2, marked=(1, 4, 5), filter=JobFilter(status=["FAILED", "CANCELED"]))

    async def opened(pilot):
        await open_confirm(pilot, "cancel", ctx)

    assert snap_compare(actions_app(scale), terminal_size=(110, 40), run_before=opened)


def test_confirmation_layout_without_filter(snap_compare, scale):
    async def opened(pilot):
        await open_confirm(pilot, "requeue", ActionContext(None, filter=JobFilter()))

    assert snap_compare(actions_app(scale), terminal_size=(110, 40), run_before=opened)


async def test_a_late_count_of_the_scope_left_never_sets_the_confirm_button(scale):
    """The marked jobs' count is held back by the server; the operator picks "every job
    matching" meanwhile, whose count arrives first. Then the marked count arrives: dropped (it
    is for a plan no longer on screen), so the numbers and the button stay the filter's."""
    ctx = ActionContext(None, marked=(1, 6), filter=JobFilter(job_type_name=["sam"]), matching=4)
    scale.hold(lambda request: "job_id" in request.url.params)  # the count by ids only
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        request_action(pilot.app.screen, "cancel", ctx)
        await wait_until(pilot, lambda: scale.waiting > 0)
        dialog = pilot.app.screen
        assert isinstance(dialog, ConfirmAction)
        assert dialog.query_one("#scope", RadioSet).pressed_button.name == "marked"
        names = [choice.scope.value for choice in dialog.choices]
        await pilot.press(str(names.index("filter") + 1))
        await wait_until(pilot, lambda: "4 matching" in text(pilot.app, "#counts"))
        assert str(dialog.query_one("#confirm", Button).label) == "Cancel 3 jobs"
        scale.release()  # the marked jobs' count (2 to cancel) comes back now
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert scale.waiting == 1 and len(scale.seen("/v6/jobs/")) > 1
        assert text(pilot.app, "#counts").startswith("Every job matching: job type sam: 4 ")
        assert str(dialog.query_one("#confirm", Button).label) == "Cancel 3 jobs"
        await confirm(pilot)
        assert scale.posts == [("/v6/jobs/cancel/", {"job_type_names": ["sam"]})]


async def test_the_confirmed_request_goes_to_the_server_the_dialog_counted_on(scale):
    """The operator confirms a cancel counted on one server; while the recount at send time is
    on its way the console's client is replaced (a profile switch: the palette opens over the
    dialog). The cancel still goes to the server whose numbers the operator confirmed, never to
    the new one, and no verification toast speaks of the old server under the new header."""
    other = actions_scale()
    f = JobFilter(status=["FAILED"])
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        host = pilot.app.screen
        await open_confirm(pilot, "cancel", ActionContext(None, filter=f, matching=3))
        scale.hold(lambda request: request.url.path == "/v6/jobs/")  # the recount at send
        pilot.app.screen.query_one("#confirm", Button).press()
        await wait_until(pilot, lambda: scale.waiting > 0)
        pilot.app.client = other.client()  # what app.switch_profile does first
        scale.release()
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()
        assert scale.posts == [("/v6/jobs/cancel/", {"status": "FAILED"})]
        assert other.requests == []  # neither a count nor the cancel went to the new server
        assert pilot.app.screen is host


async def test_a_queued_job_goes_to_the_server_the_form_was_filled_for(scale):
    other = actions_scale()
    async with actions_app(scale).run_test(size=(130, 45)) as pilot:
        dialog = await choose_job_type(pilot, "optional-json\x001.0.0")
        pilot.app.client = other.client()  # the console switched server meanwhile
        dialog.query_one("#input-0", Input).value = "12"
        await pilot.pause()
        await confirm_queue(pilot)
        assert [path for path, _ in scale.posts] == ["/v6/jobs/"]
        assert other.requests == []
        assert pilot.app.opened == [901]
