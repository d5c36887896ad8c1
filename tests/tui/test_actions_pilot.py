"""Cancel, requeue and queue-new-job through the dialogs, as an operator drives them.

The server is a small recording fake behind httpx's MockTransport: it answers counts from a
fixed set of jobs, records every POST body exactly as sent, and can be told to refuse. (The
same flows against the real stub over loopback are in tests/e2e.)
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import pytest
from textual.app import App
from textual.screen import Screen
from textual.widgets import Button, Input, OptionList, RadioSet, Static

from scale_tui.api import JobFilter, ScaleClient
from scale_tui.core import action_plan as plan_module
from scale_tui.screens import action_flow as action_screens
from scale_tui.screens.action_flow import (
    ActionContext,
    JobsChanged,
    request_action,
    request_queue_job,
)
from scale_tui.screens.confirm_action import ConfirmAction
from scale_tui.screens.queue_job import QueueJobScreen

JOB_TYPES = Path(__file__).parents[1] / "fixtures" / "scale-ui" / "job-type-details"

# id -> (status, job type name)
JOBS = {
    1: ("RUNNING", "sam"), 2: ("FAILED", "sam"), 3: ("FAILED", "sam"), 4: ("COMPLETED", "sam"),
    5: ("CANCELED", "cem"), 6: ("QUEUED", "cem"), 7: ("FAILED", "cem"), 8: ("PENDING", "scm"),
}  # fmt: skip


class FakeScale:
    """Just enough of Scale v6 for the dialogs; `posts` holds (path, body) of every POST."""

    def __init__(self) -> None:
        self.jobs = dict(JOBS)
        self.posts: list[tuple[str, dict]] = []
        self.refuse: tuple[int, str] | None = None  # (status, detail) for the next POSTs
        self.queue_error: str | None = None
        self.fail_post_number: int | None = None  # answer this POST (1-based) with a 503
        self.apply = False  # apply cancel/requeue by id at once (real Scale: a moment later)

    def handler(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path
        if request.method == "POST":
            body = json.loads(request.content or b"{}")
            self.posts.append((path, body))
            if self.refuse:
                return httpx.Response(self.refuse[0], json={"detail": self.refuse[1]})
            if self.fail_post_number == len(self.posts):
                return httpx.Response(503, text="<html><title>Service Unavailable</title></html>")
            if path == "/v6/jobs/":
                if self.queue_error:
                    return httpx.Response(400, json={"detail": self.queue_error})
                return httpx.Response(201, json={"id": 901, "status": "QUEUED", "num_exes": 1})
            if self.apply and "job_ids" in body:
                new = "CANCELED" if path.endswith("/cancel/") else "QUEUED"
                for job_id in body["job_ids"]:
                    self.jobs[job_id] = (new, self.jobs[job_id][1])
            return httpx.Response(202)
        if path == "/v6/jobs/":
            return httpx.Response(200, json=self._list(request.url.params))
        if path == "/v6/job-types/":
            types = [json.loads(p.read_text()) for p in sorted(JOB_TYPES.glob("*.json"))]
            for t in types:
                t.pop("manifest", None)
            return httpx.Response(200, json={"count": len(types), "results": types})
        if match := re.fullmatch(r"/v6/job-types/([^/]+)/([^/]+)/", path):
            fixture = JOB_TYPES / f"{match[1]}{match[2]}.json"
            return httpx.Response(200, content=fixture.read_bytes())
        return httpx.Response(404, json={"detail": "Not found."})

    def _list(self, params: httpx.QueryParams) -> dict:
        statuses, ids = params.get_list("status"), [int(i) for i in params.get_list("job_id")]
        names = params.get_list("job_type_name")
        found = [
            {"id": i, "status": s, "job_type": {"name": n, "version": "1.0"}}
            for i, (s, n) in sorted(self.jobs.items())
            if (not statuses or s in statuses) and (not ids or i in ids)
            and (not names or n in names)
        ]  # fmt: skip
        size = int(params.get("page_size", 100))
        return {"count": len(found), "next": None, "previous": None, "results": found[:size]}


class Host(Screen):
    def __init__(self) -> None:
        super().__init__()
        self.changes: list[str] = []

    def on_jobs_changed(self, message: JobsChanged) -> None:
        self.changes.append(message.summary)


class ActionsApp(App):
    """What the console's app offers the action screens: client, read_only, open_job."""

    def __init__(self, scale: FakeScale, read_only: bool = False) -> None:
        super().__init__()
        self.client = ScaleClient("http://scale.test", transport=httpx.MockTransport(scale.handler))
        self.read_only = read_only
        self.profile_name = "prod"
        self.opened: list[int] = []

    def on_mount(self) -> None:
        self.push_screen(Host())

    def open_job(self, job_id: int) -> None:
        self.opened.append(job_id)


@pytest.fixture(autouse=True)
def no_verification(monkeypatch):
    monkeypatch.setattr(action_screens, "VERIFY_DELAY", None)


@pytest.fixture
def scale():
    return FakeScale()


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
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
        await open_confirm(pilot, "requeue", ActionContext(None, marked=(1, 5, 6, 7)))
        effect = text(pilot.app, "#effect")
        assert "Requeues 1 FAILED, 1 CANCELED." in effect
        assert "Also requeues 1 QUEUED, 1 RUNNING" in effect
        assert "never queued go back to PENDING" in effect


async def test_after_acceptance_the_console_reports_what_changed(scale, monkeypatch):
    monkeypatch.setattr(action_screens, "VERIFY_DELAY", 0)
    scale.apply = True
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "cancel", ActionContext(4))  # COMPLETED
        assert text(pilot.app, "#effect").startswith(
            "Cancels nothing.\nSkipped, already final: 1 COMPLETED."
        )
        assert dialog.query_one("#confirm", Button).disabled


async def test_invalid_priority_is_named_and_nothing_is_sent(scale):
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "requeue", ActionContext(2))
        dialog.query_one("#priority", Input).value = "0"
        await pilot.pause()
        assert "priority: must be at least 1" in text(pilot.app, "#error")
        assert dialog.query_one("#confirm", Button).disabled
        await confirm(pilot)
        assert scale.posts == []


async def test_cancel_without_filter_needs_typed_confirmation(scale):
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "cancel", ActionContext(None, filter=f, matching=3))
        scale.jobs[8] = ("FAILED", "scm")  # a job fails while the operator reads the dialog
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
    scale.fail_post_number = 2
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
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
    scale.refuse = (403, "You do not have permission to perform this action.")
    async with ActionsApp(scale).run_test(size=(120, 45)) as pilot:
        await open_confirm(pilot, "cancel", ActionContext(1))
        await confirm(pilot)
        assert text(pilot.app, "#error") == (
            "The server refused: your account is not staff; actions need a staff account."
        )
        assert isinstance(pilot.app.screen, ConfirmAction)
        assert pilot.app.screen_stack[-2].changes == []


@pytest.mark.parametrize("kind", ["cancel", "requeue", "queue"])
async def test_read_only_refuses_every_action(scale, kind):
    async with ActionsApp(scale, read_only=True).run_test(size=(120, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(130, 45)) as pilot:
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
    async with ActionsApp(scale).run_test(size=(130, 45)) as pilot:
        dialog = await choose_job_type(pilot, "cem\x001.0")
        dialog.query_one("#input-0", Input).value = "12, 13"
        await confirm_queue(pilot)
        assert text(pilot.app, "#error-0") == "image: takes one file, got 2"
        assert text(pilot.app, "#error-1").startswith("signature: required")
        assert scale.posts == []


async def test_server_400_is_shown_beside_the_form_and_input_is_kept(scale):
    scale.queue_error = "Invalid data: file 99999 does not exist"
    async with ActionsApp(scale).run_test(size=(130, 45)) as pilot:
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

    assert snap_compare(ActionsApp(scale), terminal_size=(110, 40), run_before=opened)


def test_confirmation_layout_without_filter(snap_compare, scale):
    async def opened(pilot):
        await open_confirm(pilot, "requeue", ActionContext(None, filter=JobFilter()))

    assert snap_compare(ActionsApp(scale), terminal_size=(110, 40), run_before=opened)
