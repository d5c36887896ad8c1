"""An operator fixes jobs from the console, against the stub on loopback (simulator off).

Cancel a RUNNING job, requeue a FAILED one with a priority, queue a new job: each through the
keys a user presses, each checked in the stub's request log (exactly what was sent) and in the
console's job list afterwards. Scale applies cancel/requeue after the 202; ``/_stub/drain``
applies what the stub accepted, as real Scale's command messages would a moment later.
"""

from __future__ import annotations

import asyncio
import contextlib

import httpx
import pytest
from textual.widgets import Button, Input, OptionList

from scale_tui.app import ScaleApp
from scale_tui.core.config import Profile
from scale_tui.core.filter_form import FilterForm
from scale_tui.screens import action_flow as action_screens
from scale_tui.screens.confirm_action import ConfirmAction
from scale_tui.screens.jobs import JobsScreen
from scale_tui.screens.queue_job import QueueJobScreen
from tests.pilot import wait_until


@pytest.fixture(autouse=True)
def isolated_state(monkeypatch, tmp_path):
    monkeypatch.setenv("SCALE_TUI_STATE_DIR", str(tmp_path / "state"))
    monkeypatch.setattr(action_screens, "VERIFY_DELAY", None)


def stub_posts(url: str, path: str) -> list[dict]:
    log = httpx.get(f"{url}/_stub/requests").json()
    return [entry["body"] for entry in log if entry["method"] == "POST" and entry["path"] == path]


def drain(url: str) -> None:
    httpx.post(f"{url}/_stub/drain").raise_for_status()


async def show_status(pilot, jobs: JobsScreen, *statuses: str) -> None:
    jobs.set_form(FilterForm(statuses=statuses))
    await wait_until(
        pilot,
        lambda: (
            jobs.total is not None
            and jobs.current_query().status == list(statuses)
            and all(j.status in statuses for j in jobs.jobs)
            and jobs.table.row_count > 0
        ),
    )


async def confirm(pilot) -> None:
    dialog = pilot.app.screen
    assert isinstance(dialog, ConfirmAction)
    await wait_until(pilot, lambda: not dialog.query_one("#confirm", Button).disabled)
    dialog.query_one("#confirm", Button).press()
    await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ConfirmAction))


def console(url: str) -> ScaleApp:
    return ScaleApp("e2e", Profile(url=url, refresh_interval=60))


async def test_cancel_a_running_job_from_the_list(fresh_stub):
    url = fresh_stub.url
    async with console(url).run_test(size=(160, 50)) as pilot:
        jobs = pilot.app.screen
        await show_status(pilot, jobs, "RUNNING")
        job_id = jobs.table.cursor_job_id
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmAction))
        counts = pilot.app.screen.query_one("#counts")
        await wait_until(pilot, lambda: "matching right now" in str(counts.render()))
        assert f"Job {job_id}: 1 matching right now." == str(counts.render())
        await confirm(pilot)
        assert stub_posts(url, "/v6/jobs/cancel/") == [{"job_ids": [job_id]}]
        drain(url)
        await show_status(pilot, jobs, "CANCELED")
        await wait_until(pilot, lambda: job_id in jobs.table.job_ids)
        assert next(j.status for j in jobs.jobs if j.id == job_id) == "CANCELED"


async def test_requeue_a_failed_job_with_a_priority(fresh_stub):
    url = fresh_stub.url
    async with console(url).run_test(size=(160, 50)) as pilot:
        jobs = pilot.app.screen
        await show_status(pilot, jobs, "FAILED")
        job_id = jobs.table.cursor_job_id
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmAction))
        dialog = pilot.app.screen
        dialog.query_one("#priority", Input).value = "7"
        await confirm(pilot)
        assert stub_posts(url, "/v6/jobs/requeue/") == [{"job_ids": [job_id], "priority": 7}]
        drain(url)
        await show_status(pilot, jobs, "QUEUED")
        await wait_until(pilot, lambda: job_id in jobs.table.job_ids)
        # Scale puts a requeue's priority on the queue entry, not in the job's configuration,
        # so the request log above is where the priority is checked.
        assert (await pilot.app.client.get_job(job_id)).status == "QUEUED"


async def test_queue_a_new_job_opens_it_and_lists_it(fresh_stub):
    url = fresh_stub.url
    async with console(url).run_test(size=(160, 50)) as pilot:
        jobs = pilot.app.screen
        await wait_until(pilot, lambda: jobs.total is not None)
        await pilot.press("J")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, QueueJobScreen))
        dialog = pilot.app.screen
        options = dialog.query_one("#job-types", OptionList)
        await wait_until(pilot, lambda: options.option_count > 0)
        ids = [options.get_option_at_index(i).id for i in range(options.option_count)]
        options.highlighted = ids.index("cem\x001.0")
        await wait_until(pilot, lambda: dialog.query("#input-1"))
        dialog.query_one("#input-0", Input).value = "3"
        dialog.query_one("#input-1", Input).value = "4"
        dialog.query_one("#queue", Button).press()
        await wait_until(pilot, lambda: type(pilot.app.screen).__name__ == "JobDetailsScreen")
        [body] = stub_posts(url, "/v6/jobs/")
        assert body["input"] == {"files": {"image": [3], "signature": [4]}, "json": {}}
        new_id = pilot.app.screen.job_id
        with contextlib.suppress(TimeoutError):  # let the details load before leaving them
            await asyncio.wait_for(pilot.app.workers.wait_for_complete(), 5)
        await pilot.press("escape")
        await show_status(pilot, jobs, "QUEUED")
        await wait_until(pilot, lambda: new_id in jobs.table.job_ids)  # newest first: on page 1
        assert next(j.status for j in jobs.jobs if j.id == new_id) == "QUEUED"


async def test_read_only_console_sends_nothing(fresh_stub):
    url = fresh_stub.url
    app = ScaleApp("prod", Profile(url=url, read_only=True, refresh_interval=60))
    async with app.run_test(size=(160, 50)) as pilot:
        jobs = pilot.app.screen
        await show_status(pilot, jobs, "FAILED")
        await pilot.press("space", "c", "R", "J")
        await pilot.pause()
        assert pilot.app.screen is jobs
        refusals = [n.message for n in pilot.app._notifications if n.title == "Read-only"]
        assert len(refusals) == 3
        assert all("profile 'prod' is read-only" in message for message in refusals)
    log = httpx.get(f"{url}/_stub/requests").json()
    assert [entry for entry in log if entry["method"] == "POST"] == []
