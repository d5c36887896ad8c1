"""Live refresh: one request in flight, the latest filter wins, the cursor stays on its job."""

from __future__ import annotations

import asyncio

from tests.fakes import FakeScale
from tests.pilot import wait_until
from tests.tui.conftest import job_payload, settle


async def test_cursor_stays_on_same_job_after_a_refresh_that_reorders_rows(make_app):
    scale = FakeScale([job_payload(i, minute=i) for i in range(10, 0, -1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        assert table.job_ids == list(range(10, 0, -1))
        await pilot.press("down", "down", "down")
        assert table.cursor_job_id == 7
        # job 7 changed and moved to the top; job 3 is gone; job 11 is new
        scale.jobs = [job_payload(7, minute=30, status="FAILED")] + [
            job_payload(i, minute=i) for i in (11, 10, 9, 8, 6, 5, 4, 2, 1)]
        await pilot.press("r")
        await settle(pilot, app)
        assert table.job_ids == [7, 11, 10, 9, 8, 6, 5, 4, 2, 1]
        assert table.cursor_job_id == 7
        assert table.cursor_row == 0
        assert table.changed_job_ids == {7, 11}  # marked for a moment; 10, 9... did not change


async def test_cursor_stays_in_place_when_its_job_leaves_the_page(make_app):
    scale = FakeScale([job_payload(i) for i in range(5, 0, -1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("down", "down")
        assert app.screen.table.cursor_job_id == 3
        scale.jobs = [job_payload(i) for i in (5, 4, 2, 1)]
        await pilot.press("r")
        await settle(pilot, app)
        assert app.screen.table.cursor_row == 2
        assert app.screen.table.cursor_job_id == 2


async def test_unchanged_refresh_marks_nothing_and_keeps_cells(make_app):
    scale = FakeScale([job_payload(i) for i in range(3, 0, -1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        before = [table.get_row(str(i)) for i in (3, 2, 1)]
        await pilot.press("r")
        await settle(pilot, app)
        assert table.changed_job_ids == set()
        assert [table.get_row(str(i)) for i in (3, 2, 1)] == before


async def test_refresh_is_single_flight_against_a_slow_server(make_app):
    scale = FakeScale([job_payload(i) for i in range(5, 0, -1)])
    scale.hold()  # the server does not answer until released
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        await pilot.press("r", "r", "r", "r", "r")  # an impatient operator
        assert scale.in_flight == 1
        scale.release()
        await settle(pilot, app)
        assert scale.max_in_flight == 1
        # the presses during the slow request neither doubled it nor queued more behind it
        assert len(scale.list_requests()) == 1
        assert app.screen.table.job_ids == [5, 4, 3, 2, 1]


async def test_filter_change_cancels_the_stale_request_and_latest_filter_wins(make_app):
    scale = FakeScale([job_payload(1, status="FAILED"), job_payload(2, status="RUNNING")],
                      delay=0.3)
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.change_form(statuses=("RUNNING",))
        await asyncio.sleep(0.1)  # the RUNNING request is in flight...
        screen.change_form(statuses=("FAILED",))  # ...and is now stale
        await settle(pilot, app)
        assert scale.max_in_flight == 1
        assert screen.table.job_ids == [1]
        assert screen.form.statuses == ("FAILED",)


async def test_pause_stops_live_refresh_and_resume_refreshes_at_once(make_app):
    scale = FakeScale([job_payload(1)])
    app = make_app(client=scale.client())
    app.refresh_interval = 0.3  # below the 1 s floor users get, to keep the test short
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        await pilot.press("p")
        seen = len(scale.list_requests())
        await asyncio.sleep(0.5)  # longer than the interval
        assert len(scale.list_requests()) == seen
        assert "paused" in str(app.screen.query_one("#header").render())
        await pilot.press("p")
        await settle(pilot, app)
        assert len(scale.list_requests()) >= seen + 1


async def test_timer_refreshes_on_its_own(make_app):
    scale = FakeScale([job_payload(1)])
    app = make_app(client=scale.client())
    app.refresh_interval = 0.3  # below the 1 s floor users get, to keep the test short
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        seen = len(scale.list_requests())
        for _ in range(60):  # no key pressed: only the timer can ask again
            await asyncio.sleep(0.05)
            if len(scale.list_requests()) > seen:
                break
        assert len(scale.list_requests()) > seen
        assert scale.max_in_flight == 1


async def test_live_refresh_continues_after_coming_back_from_details(make_app):
    scale = FakeScale([job_payload(1)])
    app = make_app(client=scale.client())
    app.refresh_interval = 0.3  # below the 1 s floor users get, to keep the test short
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        await pilot.press("enter")  # details (404 here, which is fine) hide the jobs screen
        await wait_until(pilot, lambda: jobs.loop.owed)  # a refresh came due while away
        hidden = len(scale.list_requests())
        await asyncio.sleep(0.4)
        assert len(scale.list_requests()) == hidden  # nobody sees the list: no polling
        # Hold the answer: the owed refresh stays in flight, so no timer can add a request
        # before we count (one request at a time), however slow the machine.
        scale.hold()
        await pilot.press("escape")
        await wait_until(pilot, lambda: len(scale.list_requests()) > hidden)
        await pilot.pause(0.1)
        assert len(scale.list_requests()) == hidden + 1  # the owed refresh, at once
        scale.release()
        await wait_until(pilot, lambda: len(scale.list_requests()) > hidden + 1)
        assert scale.max_in_flight == 1  # and the timer runs again, one request at a time


async def test_a_cursor_on_the_first_row_stays_on_the_newest_job_as_new_ones_arrive(make_app):
    scale = FakeScale([job_payload(i, minute=i % 60) for i in range(40, 0, -1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        assert table.cursor_job_id == 40 and table.cursor_row == 0
        # 30 newer jobs arrive above job 40, more than a screenful
        scale.jobs = [job_payload(i, minute=59) for i in range(70, 40, -1)] + scale.jobs[:10]
        await pilot.press("r")
        await settle(pilot, app)
        assert table.job_ids[0] == 70
        assert table.cursor_row == 0 and table.cursor_job_id == 70
        assert table.scroll_y == 0  # the newest jobs are on screen, not scrolled off the top
        drawn = "".join(segment.text for segment in table.render_line(1))
        assert "70" in drawn
