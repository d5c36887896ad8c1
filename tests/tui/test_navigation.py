"""Drilling down and coming back: details, executions, logs, links, and escape restoring state."""

from __future__ import annotations

from scale_tui.screens.execution_details import ExecutionDetailsScreen
from scale_tui.screens.help import HelpScreen
from scale_tui.screens.job_details import JobDetailsScreen
from scale_tui.screens.jobs import JobsScreen
from scale_tui.screens.log import LogScreen
from tests.fakes import FakeScale
from tests.tui.conftest import job_payload, plain_text, settle

FAILED_JOB = 299  # stub seed 7: FAILED, 3 executions, the newest is execution id 329


async def open_job_under_cursor(pilot, app, job_id: int) -> None:
    table = app.screen.table
    table.move_cursor(row=table.get_row_index(str(job_id)))
    await pilot.press("enter")
    await settle(pilot, app)


async def test_escape_restores_filters_page_and_cursor(stub_url, make_app):
    app = make_app(stub_url, page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        await pilot.press("s")  # sort by duration
        await pilot.press("right_square_bracket")  # page 2
        await settle(pilot, app)
        await pilot.press("down", "down", "down", "down")
        cursor_job, form, ids = jobs.table.cursor_job_id, jobs.form, jobs.table.job_ids
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, JobDetailsScreen)
        assert app.screen.job_id == cursor_job
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is jobs
        assert (jobs.page, jobs.form) == (2, form)
        assert jobs.table.cursor_job_id == cursor_job
        assert jobs.table.job_ids == ids


async def test_job_details_show_error_and_executions(stub_url, make_app, frozen_clock):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await open_job_under_cursor(pilot, app, FAILED_JOB)
        details = app.screen
        summary = plain_text(details.query_one("#summary"))
        assert f"Job {FAILED_JOB}" in summary and "FAILED" in summary
        assert details.job.error is not None and details.job.error.title in summary
        assert [e.exe_num for e in details.executions] == [3, 2, 1]


async def test_enter_on_an_execution_opens_it_and_l_opens_its_log(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await open_job_under_cursor(pilot, app, FAILED_JOB)
        await pilot.press("1", "down", "enter")  # executions section, the second newest
        await settle(pilot, app)
        execution = app.screen
        assert isinstance(execution, ExecutionDetailsScreen)
        assert (execution.job_id, execution.exe_num) == (FAILED_JOB, 2)
        tasks = plain_text(execution.query_one("#tasks"))
        assert "main" in tasks and "pull" in tasks
        await pilot.press("l")
        await pilot.pause()
        assert isinstance(app.screen, LogScreen)
        assert app.screen.execution_id == execution.execution.id
        assert (app.screen.job_id, app.screen.exe_num) == (FAILED_JOB, 2)


async def test_l_on_a_job_opens_its_newest_executions_log(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        table.move_cursor(row=table.get_row_index(str(FAILED_JOB)))
        await pilot.press("l")
        await settle(pilot, app)
        assert isinstance(app.screen, LogScreen)
        assert (app.screen.execution_id, app.screen.exe_num) == (329, 3)
        assert app.screen.job_id == FAILED_JOB


async def test_superseded_link_walks_the_chain_and_escape_walks_back(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await open_job_under_cursor(pilot, app, 285)  # supersedes job 281
        await pilot.press("less_than_sign")
        await settle(pilot, app)
        assert isinstance(app.screen, JobDetailsScreen) and app.screen.job_id == 281
        assert app.screen.job.superseded_by_job.id == 285
        await pilot.press("escape")
        assert app.screen.job_id == 285


async def test_batch_link_lists_the_batchs_jobs_keeping_other_filters(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await open_job_under_cursor(pilot, app, 297)
        batch_id = app.screen.job.batch.id
        await pilot.press("b")
        await settle(pilot, app)
        jobs = app.screen
        assert isinstance(jobs, JobsScreen)
        assert jobs.form.batch_id == str(batch_id)
        assert jobs.jobs and all(j.batch.id == batch_id for j in jobs.jobs)


async def test_l_on_a_job_without_an_execution_says_so_and_stays(make_app):
    import httpx

    scale = FakeScale([job_payload(5, status="PENDING")])
    none = {"count": 0, "next": None, "previous": None, "results": []}
    scale.on("GET", r".*/v6/jobs/5/executions/", lambda request: httpx.Response(200, json=none))
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("l")
        await settle(pilot, app)
        assert isinstance(app.screen, JobsScreen)
        notes = [n.message for n in app._notifications]
        assert any("Job 5 has no execution yet" in n for n in notes), notes


async def test_a_job_that_disappeared_says_so(make_app):
    app = make_app(client=FakeScale([job_payload(5)]).client())  # details of 5 answer 404
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("enter")
        await settle(pilot, app)
        text = plain_text(app.screen.query_one("#summary"))
        assert "Job 5 does not exist" in text and "404" in text
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)


async def test_help_lists_every_key_of_the_jobs_screen(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = plain_text(app.screen.query_one("#help-body"))
        for binding in JobsScreen.BINDINGS:
            assert binding.description in text, binding.description
        for words in ("Mark", "Open", "Quit"):
            assert words in text
        await pilot.press("escape")
        assert isinstance(app.screen, JobsScreen)


async def test_help_starts_with_the_screens_own_keys(stub_url, make_app):
    from scale_tui.screens.help import FIXED, KeyHelp, describe_keys

    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_job(FAILED_JOB)
        await settle(pilot, app)
        groups = dict(describe_keys(app.screen))
        first_group, keys = describe_keys(app.screen)[0]
        assert first_group == "Job details"
        assert keys[0] == KeyHelp("esc", "Back", "details.back")  # not Textual's tab
        assert KeyHelp("tab", "Next field or panel", FIXED) in groups["Everywhere"]
        assert all(key.description != "Next field or panel" for key in keys)


async def test_every_binding_has_an_id_for_the_keymap():
    from scale_tui.app import ScaleApp
    from scale_tui.widgets.filter_bar import FilterBar
    from scale_tui.widgets.jobs_table import JobsTable

    for owner in (ScaleApp, JobsScreen, JobDetailsScreen, ExecutionDetailsScreen, HelpScreen,
                  JobsTable, FilterBar):
        for binding in owner.BINDINGS:
            assert binding.id, f"{owner.__name__}: {binding.key} has no id"
            assert not set(binding.key.split(",")) & {"ctrl+a", "ctrl+b", "ctrl+d", "ctrl+k"}


async def test_keymap_from_the_profile_rebinds_a_key(stub_url, make_app):
    app = make_app(stub_url, keymap={"jobs.refresh": "f5"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.screen.jobs.clear()
        await pilot.press("f5")
        await settle(pilot, app)
        assert app.screen.jobs


async def test_palette_goes_to_job_by_number(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*"job 42")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, JobDetailsScreen) and app.screen.job_id == 42
