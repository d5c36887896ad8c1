"""The triage screen, driven by keys: against the seeded stub (frozen clock, simulator off) for
what it shows and where Enter and R lead, and against FakeScale-like transports for a slow
refresh, an outage and the cap."""

from __future__ import annotations

import json
from datetime import timedelta

import httpx
import pytest

from scale_tui.api import JobFilter, ScaleClient
from scale_tui.core import triage
from scale_tui.screens import action_flow
from scale_tui.screens.confirm_action import ConfirmAction
from scale_tui.screens.jobs import JobsScreen
from scale_tui.screens.triage import TriageScreen
from tests.fakes import FakeScale
from tests.pilot import wait_until
from tests.tui.conftest import FROZEN_NOW, job_payload, plain_text, settle

SHOWN_URL = "https://scale.example/api"


@pytest.fixture(autouse=True)
def no_verify(monkeypatch):
    monkeypatch.setattr(action_flow, "VERIFY_DELAY", None)


@pytest.fixture
def stub_app(stub_url, make_app, frozen_clock):
    def make(**fields):
        return make_app(SHOWN_URL, client=ScaleClient(stub_url, max_tries=1), name="ops",
                        **fields)

    return make


async def open_triage(pilot) -> TriageScreen:
    await settle(pilot, pilot.app)
    await pilot.press("T")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, TriageScreen)
                     and pilot.app.screen.failures is not None and not pilot.app.screen.reading)
    await settle(pilot, pilot.app)
    return pilot.app.screen


async def stub_failures(url: str) -> list:
    async with ScaleClient(url) as client:
        query = JobFilter(status=["FAILED"], is_superseded=False)
        return [job async for job in client.iter_jobs(query, page_size=1000)]


async def test_t_on_the_jobs_screen_opens_triage_of_the_last_24h(stub_app, stub_url):
    async with stub_app().run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        failed = await stub_failures(stub_url)
        window = screen.failures.window
        assert (window.start, window.end) == (FROZEN_NOW - timedelta(hours=24), FROZEN_NOW)
        assert screen.failures.total == len(failed) > 0
        assert sum(g.count for g in screen.table.groups) == len(failed)
        assert screen.table.row_count == len(screen.groups)
        counts = [g.count for g in screen.table.groups]
        assert counts == sorted(counts, reverse=True)
        summary = plain_text(screen.query_one("#triage-summary"))
        assert f"{len(failed)} failed jobs" in summary and "by error x job type" in summary
        assert sum(screen.query_one("#triage-chart").data) == len(failed)


async def test_g_cycles_the_grouping_and_s_the_sort(stub_app):
    async with stub_app().run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        seen = []
        for _ in triage.GROUPINGS:
            await pilot.press("g")
            await settle(pilot, pilot.app)
            seen.append(screen.grouping)
            assert screen.table.groups and screen.table.groups[0].dimensions == screen.grouping
            assert sum(g.count for g in screen.table.groups) == screen.failures.total
        assert seen[-1] == triage.GROUPINGS[0] and set(seen) == set(triage.GROUPINGS)
        await pilot.press("g")  # by error
        await pilot.press("s")  # latest failure first
        await settle(pilot, pilot.app)
        lasts = [g.last for g in screen.table.groups]
        assert screen.sort == "last" and lasts == sorted(lasts, reverse=True)
        assert "latest failure" in plain_text(screen.query_one("#triage-summary"))


async def test_enter_lists_exactly_the_group_on_the_jobs_screen(stub_app):
    async with stub_app(page_size=100).run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        group = screen.table.cursor_group
        window = screen.failures.window
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, JobsScreen))
        jobs = pilot.app.screen
        query = jobs.current_query()
        assert (query.status, query.job_type_id, query.error_id, query.is_superseded) == (
            ["FAILED"], [group.job_type.id], [group.error.id], False)
        assert (query.started, query.ended) == (window.start, window.end)
        await wait_until(pilot, lambda: jobs.total is not None
                         and jobs.current_query().error_id == [group.error.id]
                         and set(jobs.table.job_ids) == set(group.job_ids))
        assert jobs.total == group.count
        # back to triage: the last result is there before any request is answered
        pilot.app.open_triage()
        again = pilot.app.screen
        assert isinstance(again, TriageScreen) and again is not screen
        assert again.failures is screen.failures and again.grouping == screen.grouping


async def test_requeue_confirmation_names_the_group_and_the_stub_receives_it(
        fresh_stub, make_app, frozen_clock):
    url = fresh_stub.url
    app = make_app(url, client=ScaleClient(url, max_tries=1), name="ops")
    async with app.run_test(size=(160, 50)) as pilot:
        screen = await open_triage(pilot)
        group = screen.table.cursor_group
        window = screen.failures.window
        httpx.delete(f"{url}/_stub/requests")
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmAction))
        dialog = pilot.app.screen
        expected = {"status": "FAILED", "job_type_ids": [group.job_type.id],
                    "error_ids": [group.error.id],
                    "started": triage.format_timestamp(window.start),
                    "ended": triage.format_timestamp(window.end)}
        await wait_until(pilot, lambda: dialog.plan is not None)
        assert dialog.plan.bodies() == [expected]
        request = str(dialog.query_one("#request").render())
        assert f"POST /v6/jobs/requeue/ {json.dumps(expected)}" in request
        scope = " ".join(str(b.label) for b in dialog.query("RadioButton"))
        assert f"({group.count} matching when listed)" in scope
        button = dialog.query_one("#confirm")
        await wait_until(pilot, lambda: not button.disabled)
        button.press()
        await wait_until(pilot, lambda: not isinstance(pilot.app.screen, ConfirmAction))
        log = httpx.get(f"{url}/_stub/requests").json()
        bodies = [e["body"] for e in log if e["method"] == "POST"
                  and e["path"] == "/v6/jobs/requeue/"]
        assert bodies == [expected]


async def test_requeue_is_refused_read_only(stub_app):
    async with stub_app(read_only=True).run_test(size=(140, 40)) as pilot:
        await open_triage(pilot)
        await pilot.press("R")
        await settle(pilot, pilot.app)
        assert isinstance(pilot.app.screen, TriageScreen)
        assert any("Read-only" in (n.title or "") for n in pilot.app._notifications)


async def test_requeue_of_a_node_group_goes_by_job_id(stub_app):
    async with stub_app().run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        while screen.grouping != (triage.NODE,):
            await pilot.press("g")
            await settle(pilot, pilot.app)
        group = screen.table.cursor_group
        await pilot.press("R")
        await wait_until(pilot, lambda: isinstance(pilot.app.screen, ConfirmAction))
        assert pilot.app.screen.ctx.marked == tuple(sorted(group.job_ids))


# ---- loading: progress, the last result kept, outages, the cap


def failed_jobs(count: int) -> list[dict]:
    return [job_payload(10_000 + i, status="FAILED", minute=59 - (i % 50),
                        error={"id": 3, "name": "timeout", "title": "Timeout",
                               "category": "ALGORITHM"})
            for i in range(count)]


async def test_a_refresh_keeps_the_last_result_and_shows_progress(make_app, frozen_clock):
    scale = FakeScale(failed_jobs(30))
    app = make_app("http://scale.test", client=scale.client())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        before = screen.failures
        scale.jobs = failed_jobs(45)
        scale.hold()  # the pages wait until released
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.reading)
        await pilot.pause()
        assert screen.query_one("#triage-progress").display
        assert screen.failures is before and screen.table.row_count == 1
        assert "30 failed jobs" in plain_text(screen.query_one("#triage-summary"))
        scale.release()
        await wait_until(pilot, lambda: screen.failures is not before)
        await settle(pilot, app)
        assert "45 failed jobs" in plain_text(screen.query_one("#triage-summary"))
        assert not screen.query_one("#triage-progress").display


async def test_an_outage_keeps_the_result_and_says_so(make_app, frozen_clock):
    scale = FakeScale(failed_jobs(12))
    app = make_app("http://scale.test", client=scale.client())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        scale.down = True
        await pilot.press("r")
        await wait_until(pilot, lambda: not screen.connection.healthy)
        await settle(pilot, app)
        assert screen.table.row_count == 1 and screen.failures.total == 12
        assert not screen.query_one("#triage-progress").display
        header = plain_text(screen.query_one("#header"))
        assert "offline" in header and "stale since" in header


async def test_the_cap_cuts_the_window_and_the_screen_says_where(make_app, frozen_clock):
    scale = FakeScale(failed_jobs(2500))
    app = make_app("http://scale.test", client=scale.client(), triage_cap=1000)
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        assert len(screen.failures.jobs) == 1000 and screen.failures.total == 2500
        pages = [r for r in scale.list_requests()
                 if r.url.params["page_size"] == str(triage.PAGE_SIZE)]
        assert len(pages) == 1
        cut = screen.query_one("#triage-cut")
        assert cut.display
        words = plain_text(cut)
        assert "2500 failed jobs, only the newest 1000" in words
        assert "not counted" in words


async def test_nothing_failed_says_so(make_app, frozen_clock):
    scale = FakeScale([])
    app = make_app("http://scale.test", client=scale.client())
    async with app.run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        assert "No failed jobs in the window" in plain_text(screen.query_one("#triage-empty"))


async def test_t_cycles_window_presets_and_w_takes_a_typed_window(stub_app):
    async with stub_app().run_test(size=(140, 40)) as pilot:
        screen = await open_triage(pilot)
        await pilot.press("t")  # 24h -> 7d
        await wait_until(pilot, lambda: screen.failures.window.text == "7d")
        await pilot.press("w")
        window = screen.query_one("#triage-window")
        window.value = "2026-01-01T03:00Z/2026-01-01T06:00Z"
        await pilot.press("enter")
        await wait_until(pilot, lambda: screen.failures.window.text.startswith("2026-01-01T03"))
        assert screen.failures.window.length.total_seconds() == 3 * 3600
        await pilot.press("w")
        window.value = "P1M"  # months: refused, nothing changes
        await pilot.press("enter")
        await settle(pilot, pilot.app)
        assert screen.window_text.startswith("2026-01-01T03")
