"""Leaving a screen while it is still loading (details, a log, a confirmation counting): the
late answer is dropped quietly, and the console keeps running."""

from __future__ import annotations

import pytest

from scale_tui.api import ScaleClient
from scale_tui.screens.confirm_action import ConfirmAction
from scale_tui.screens.execution_details import ExecutionDetailsScreen
from scale_tui.screens.job_details import JobDetailsScreen
from scale_tui.screens.jobs import JobsScreen
from scale_tui.screens.log import LogScreen
from tests.fakes import FakeScale, stub_app
from tests.pilot import wait_until
from tests.tui.conftest import settle

FAILED_JOB = 299  # stub seed 7: FAILED, 3 executions


def gated(held: str) -> FakeScale:
    """The stub's data, in process, except that requests whose path matches `held` wait for
    `release()`."""
    scale = FakeScale(stub=stub_app())
    scale.hold(held)
    return scale


@pytest.mark.parametrize("held", [
    r"/v6/jobs/\d+/",  # the job itself
    r"/v6/jobs/\d+/executions/",  # the executions, after the job arrived
    r"/v6/jobs/\d+/input_files/",  # the input files worker
    r"/v6/jobs/\d+/executions/\d+/",  # execution details
])
async def test_escape_while_details_load_leaves_no_error(make_app, held):
    transport = gated(held)
    client = ScaleClient("http://scale.test", transport=transport, max_tries=1)
    app = make_app("http://scale.test", client=client)
    notes: list[str] = []
    async with app.run_test(size=(120, 40)) as pilot:
        original = app.notify
        app.notify = lambda message, **kw: (notes.append(f"{kw.get('title')}: {message}"),
                                            original(message, **kw))[1]
        await settle(pilot, app)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        if "executions/\\d+" in held:
            app.open_execution(FAILED_JOB, 3)
            screen_type = ExecutionDetailsScreen
        else:
            app.open_job(FAILED_JOB)
            screen_type = JobDetailsScreen
        await wait_until(pilot, lambda: transport.waiting > 0)
        details = app.screen
        assert isinstance(details, screen_type)
        failed = []
        app.pop_screen()  # escape, and the answer arrives while the screen is being removed
        transport.release()
        for _ in range(20):
            await pilot.pause()
            failed += [w for w in app.workers if w.state.name == "ERROR"]
        await settle(pilot, app)
        assert app.screen is jobs
        assert not failed
        assert not [n for n in notes if "went wrong" in n or "NoMatches" in n], notes
        assert details.loop is None or details.loop._timer is None  # nothing re-armed


@pytest.mark.parametrize("held", [
    r"/v6/jobs/\d+/executions/\d+/",  # the log screen asks whether the execution has ended
    r"/v6/job-executions/\d+/logs/combined/",  # the log itself
])
async def test_escape_while_a_log_loads_keeps_the_console_running(make_app, held):
    transport = gated(held)
    client = ScaleClient("http://scale.test", transport=transport, max_tries=1)
    app = make_app("http://scale.test", client=client)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        app.open_log(329, job_id=FAILED_JOB, exe_num=3)  # stub seed 7: its newest execution
        await wait_until(pilot, lambda: transport.waiting > 0)
        assert isinstance(app.screen, LogScreen)
        app.pop_screen()  # escape, and the answer arrives while the screen is being removed
        transport.release()
        for _ in range(20):
            await pilot.pause()
        assert app.is_running  # a NoMatches in the follow worker used to end the console
        assert app.screen is jobs


async def test_escape_while_a_confirmation_counts(make_app):
    transport = gated(r"/v6/jobs/")  # the counts behind the dialog
    client = ScaleClient("http://scale.test", transport=transport, max_tries=1)
    app = make_app("http://scale.test", client=client)
    async with app.run_test(size=(120, 40)) as pilot:
        transport.release()
        await settle(pilot, app)
        jobs = app.screen
        transport.hold(r"/v6/jobs/")  # closed again
        await pilot.press("c")
        await wait_until(pilot, lambda: isinstance(app.screen, ConfirmAction)
                       and transport.waiting > 0)
        app.screen.action_back()  # escape, and the counts arrive while the dialog goes
        transport.release()
        for _ in range(20):
            await pilot.pause()
        assert app.is_running
        assert app.screen is jobs
