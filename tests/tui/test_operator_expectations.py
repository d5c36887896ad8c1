"""What a k9s user expects of the console (issue 17): a sort starts at the top, a jump shows the
whole batch or recipe, help names every key and its keymap id, Enter on job details opens the
newest execution, and every time on screen is in one zone, named once in the header."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from scale_tui.api import JobFilter
from scale_tui.core.filter_form import FilterForm
from scale_tui.core.formatting import format_short_time, format_time
from scale_tui.screens.execution_details import ExecutionDetailsScreen
from scale_tui.screens.help import HelpScreen
from scale_tui.screens.job_details import JobDetailsScreen
from scale_tui.screens.log import LogScreen
from tests.tui.conftest import plain_text, settle

FAILED_JOB = 299  # stub seed 7: FAILED, 3 executions, the newest is execution id 329
RECIPE_JOB, RECIPE, RECIPE_JOBS = 11, 3, {10, 11}  # job 10 of recipe 3 is superseded
BATCH = 3  # eleven jobs, all COMPLETED


def notes(app) -> list[str]:
    return [n.message for n in app._notifications]


async def all_ids(app, **filters) -> set[int]:
    return {job.id async for job in app.client.iter_jobs(JobFilter(**filters))}


# ---- 2: after a sort, go to the top


async def test_a_new_sort_starts_at_the_first_row(stub_url, make_app):
    app = make_app(stub_url, page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        await pilot.press("pagedown", "pagedown")
        await settle(pilot, app)
        assert table.cursor_row > 30 and table.scroll_y > 0
        for key in ("s", "S"):  # next column, then the same column reversed
            await pilot.press(key)
            await settle(pilot, app)
            assert table.cursor_row == 0, key
            assert table.scroll_y == 0, key
            assert table.cursor_job_id == app.screen.jobs[0].id, key


async def test_a_refresh_keeps_the_cursor_on_its_job(stub_url, make_app):
    app = make_app(stub_url, page_size=50)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        table.move_cursor(row=12)
        job = table.cursor_job_id
        await pilot.press("r")
        await settle(pilot, app)
        assert table.cursor_job_id == job


# ---- 3: a jump shows the whole batch or recipe and says what it replaced


async def test_recipe_jump_replaces_other_filters_and_says_which(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        jobs.set_form(jobs.form.with_changes(statuses=("COMPLETED",), superseded="no",
                                             order="id"))
        await pilot.press("slash", *"sam")
        await settle(pilot, app)
        app.open_job(RECIPE_JOB)
        await settle(pilot, app)
        await pilot.press("e")
        await settle(pilot, app)
        assert app.screen is jobs
        assert jobs.form == FilterForm(recipe_id=str(RECIPE), order="id")
        assert jobs.quick == "" and not jobs.query_one("#quick").display
        assert set(jobs.table.job_ids) == RECIPE_JOBS == await all_ids(app, recipe_id=[RECIPE])
        [note] = [n for n in notes(app) if "recipe" in n]
        assert note.startswith(f"Every job of recipe {RECIPE}.")
        assert "Replaced filters: status COMPLETED, not superseded, find 'sam'." in note
        assert "2 jobs · page 1/1" in plain_text(jobs.query_one("#counts"))


async def test_palette_batch_jump_shows_every_job_of_the_batch(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        jobs.set_form(jobs.form.with_changes(statuses=("FAILED",)))
        await settle(pilot, app)
        await pilot.press("ctrl+p")
        await pilot.pause()
        await pilot.press(*f"batch {BATCH}")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.screen is jobs and jobs.form.statuses == ()
        expected = await all_ids(app, batch_id=[BATCH])
        assert len(expected) == 11 and set(jobs.table.job_ids) == expected
        assert any("Replaced filters: status FAILED." in n for n in notes(app))


async def test_a_jump_from_an_unfiltered_list_replaces_nothing(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.jump_to_jobs(batch_id=str(BATCH))
        await settle(pilot, app)
        assert notes(app)[-1] == f"Every job of batch {BATCH}."


# ---- 4: help names every key with its id; Enter on job details


async def test_help_shows_every_key_with_its_id_and_no_class_names(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(140, 60)) as pilot:
        await settle(pilot, app)
        for opened in ("jobs", "details", "log"):
            if opened == "details":
                app.open_job(FAILED_JOB)
            elif opened == "log":
                app.open_log(329, job_id=FAILED_JOB, exe_num=3)
            await settle(pilot, app)
            screen = app.screen
            await pilot.press("question_mark")
            await pilot.pause()
            assert isinstance(app.screen, HelpScreen)
            text = plain_text(app.screen.query_one("#help-body"), width=140)
            for binding in type(screen).BINDINGS:
                assert binding.id in text, (opened, binding.id)
                assert binding.description in text, (opened, binding.description)
            for leak in ("VerticalScroll", "LogView", "JobsTable", "TabbedContent", "help"):
                assert leak not in text.replace("app.help", ""), (opened, leak)
            assert "Keys: help" not in str(app.screen.query_one("VerticalScroll").border_title)
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is screen


async def test_help_explains_the_markers(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 50)) as pilot:
        await settle(pilot, app)
        await pilot.press("question_mark")
        await pilot.pause()
        text = plain_text(app.screen.query_one("#help-body"), width=120)
        assert "S means superseded" in text and "✓ marked" in text


async def test_enter_on_job_details_opens_the_newest_execution(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        app.open_job(FAILED_JOB)
        await settle(pilot, app)
        details = app.screen
        assert not details.query_one("#executions-table").has_focus
        await pilot.press("enter")
        await settle(pilot, app)
        assert isinstance(app.screen, ExecutionDetailsScreen)
        assert (app.screen.job_id, app.screen.exe_num) == (FAILED_JOB, 3)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is details
        await pilot.press("1", "down", "enter")  # in the table: the execution under the cursor
        await settle(pilot, app)
        assert (app.screen.job_id, app.screen.exe_num) == (FAILED_JOB, 2)


# ---- 7: one time zone everywhere, named once in the header


async def test_one_zone_everywhere_named_in_the_header(stub_url, make_app, frozen_clock):
    zone = ZoneInfo("America/New_York")
    app = make_app(stub_url, timezone="America/New_York")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        header = plain_text(jobs.query_one("#header"))
        assert "refreshed 01:30:00 EST" in header  # frozen 06:30 UTC
        job = jobs.jobs[0]
        row = jobs.table.get_row(str(job.id))
        assert str(row[6]) == format_short_time(job.last_modified, frozen_clock, zone)
        assert "EST" not in "".join(str(cell) for cell in row)  # named once, not per cell

        app.open_job(FAILED_JOB)
        await settle(pilot, app)
        details = app.screen
        assert isinstance(details, JobDetailsScreen)
        summary = plain_text(details.query_one("#summary"))
        assert format_time(details.job.last_modified, zone) in summary
        assert format_time(details.job.last_modified) not in summary  # not UTC
        assert "EST" in plain_text(details.query_one("#header"))

        app.open_log(329, job_id=FAILED_JOB, exe_num=3)
        await settle(pilot, app)
        log = app.screen
        assert isinstance(log, LogScreen)
        await pilot.press("t")
        await pilot.pause()
        top = log.view.buffer[log.view.rows.locate(round(log.view.scroll_y))[0]]
        drawn = "".join(s.text for s in log.view.render_line(0))
        local = top.timestamp.astimezone(zone)
        stamp = local.strftime("%Y-%m-%d %H:%M:%S.") + f"{local.microsecond // 1000:03d} "
        assert drawn.startswith(stamp)
        assert "EST" in plain_text(log.query_one("#header"))


async def test_the_confirmation_names_filter_times_in_the_operators_zone(stub_url, make_app,
                                                                        frozen_clock):
    from scale_tui.core.action_plan import ActionContext
    from scale_tui.screens.action_flow import request_action
    from scale_tui.screens.confirm_action import ConfirmAction

    app = make_app(stub_url, timezone="America/New_York")
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        since = datetime(2026, 1, 2, 12, 0, tzinfo=ZoneInfo("UTC"))
        ctx = ActionContext(None, filter=JobFilter(status=["FAILED"], started=since))
        request_action(app.screen, "requeue", ctx)
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConfirmAction)
        from textual.widgets import RadioButton

        shown = " ".join(str(button.label) for button in dialog.query(RadioButton))
        assert "2026-01-02 07:00" in shown  # 12:00 UTC in New York, as every other time
        assert "2026-01-02 12:00" not in shown


def test_zone_label_follows_daylight_saving():
    from scale_tui.core.formatting import zone, zone_label

    new_york = zone("America/New_York")
    assert zone_label(new_york, datetime(2026, 1, 1, tzinfo=ZoneInfo("UTC"))) == "EST"
    assert zone_label(new_york, datetime(2026, 7, 1, tzinfo=ZoneInfo("UTC"))) == "EDT"
    assert zone_label(zone("UTC"), datetime(2026, 7, 1, tzinfo=ZoneInfo("UTC"))) == "UTC"
    assert zone_label(zone("Asia/Kolkata"), datetime(2026, 7, 1, tzinfo=ZoneInfo("UTC"))) == "IST"


# ---- 10: the retry toast and the header read one schedule


async def test_retry_toast_and_header_name_the_same_moment(make_app, frozen_clock):
    from tests.fakes import FakeScale

    scale = FakeScale()
    scale.down = True
    app = make_app("http://scale.test", client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        from tests.pilot import wait_until

        # the first refresh has failed, said so in a toast, and the header has drawn it
        await wait_until(pilot, lambda: any("Retrying" in n for n in notes(app)))
        await settle(pilot, app)
        jobs = app.screen
        retry_at = jobs.connection.retry_at
        seconds = round((retry_at - frozen_clock).total_seconds())
        assert f"retrying in {seconds} s" in plain_text(jobs.query_one("#header"))
        [toast] = [n for n in notes(app) if "Retrying" in n]
        assert f"Retrying at {jobs.clock_text(retry_at)}" in toast


# ---- 9: the queue form offers every active version, newest first


def job_type(type_id: int, name: str, version: str, *, active: bool = True,
             paused: bool = False) -> dict:
    return {"id": type_id, "name": name, "version": version, "title": name.upper(),
            "is_active": active, "is_paused": paused}


QUEUE_TYPES = [  # as Scale lists them: oldest first, over two pages
    [job_type(1, "landsat8-parse", "0.9.0"), job_type(2, "landsat8-parse", "1.2.0"),
     job_type(3, "landsat8-parse", "1.1.0", active=False), job_type(4, "cem", "1.0")],
    [job_type(5, "landsat8-parse", "1.10.0"), job_type(6, "cem", "2.0-rc1"),
     job_type(7, "cem", "2.0"), job_type(8, "sam", "1.0", paused=True)],
]


async def test_queue_form_offers_every_active_version_newest_first():
    import httpx
    from textual.widgets import OptionList

    from scale_tui.screens.queue_job import QueueJobScreen
    from tests.fakes import FakeScale
    from tests.pilot import HostApp

    def answer(request: httpx.Request) -> httpx.Response:
        page = int(request.url.params.get("page", 1))
        assert request.url.params.get("is_active") == "true"
        more = "http://scale.test/v6/job-types/?page=2" if page == 1 else None
        return httpx.Response(200, json={"count": 8, "next": more, "previous": None,
                                         "results": QUEUE_TYPES[page - 1]})

    client = FakeScale().on("GET", "/v6/job-types/", answer).client(max_tries=3)
    app = HostApp()
    async with app.run_test(size=(130, 40)) as pilot:
        await app.push_screen(QueueJobScreen(client))
        await pilot.pause()
        await app.workers.wait_for_complete()
        await pilot.pause()
        options = app.screen.query_one("#job-types", OptionList)
        offered = [options.get_option_at_index(i).id.replace("\x00", " ")
                   for i in range(options.option_count)]
        assert offered == ["cem 2.0", "cem 2.0-rc1", "cem 1.0", "landsat8-parse 1.10.0",
                           "landsat8-parse 1.2.0", "landsat8-parse 0.9.0"]
    await client.aclose()


# ---- 8: the log line `c` copies is drawn as a cursor row


async def test_copy_takes_the_line_drawn_as_the_cursor():
    from tests.pilot import wait_until
    from tests.tui.test_log_screen import log_scale, open_log

    scale = log_scale(status="COMPLETED")
    scale.write(f"line {i}" for i in range(200))
    app, screen = open_log(scale)
    async with app.run_test(size=(80, 20)) as pilot:
        view = screen.view
        await wait_until(pilot, lambda: view.buffer.total == 200 and view.size.height > 0)
        view.scroll_to(y=50, animate=False, immediate=True)
        await pilot.pause()
        cursor = view.get_component_rich_style("log-view--cursor").bgcolor
        rows = [list(view.render_line(y)) for y in range(view.scrollable_content_region.height)]
        marked = [y for y, row in enumerate(rows) if all(s.style.bgcolor == cursor for s in row)]
        assert marked == [len(rows) - 1]  # one cursor row: the bottom one
        shown = "".join(s.text for s in rows[-1]).strip()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == shown
        await pilot.press("slash", *"line 3", "enter")  # a match becomes the cursor
        await pilot.pause()
        await pilot.press("c")
        await pilot.pause()
        assert app.clipboard == view.buffer[view.current_match].message
