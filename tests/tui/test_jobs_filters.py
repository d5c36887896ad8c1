"""Filters produce the query real Scale expects, apply live, and bad input never leaves the form."""

from __future__ import annotations

import httpx

from scale_tui.screens.jobs import JobsScreen
from scale_tui.widgets.filter_bar import FilterBar
from tests.pilot import wait_until
from tests.tui.conftest import settle


def jobs_requests(url: str) -> list[list[tuple[str, str]]]:
    """Queries of the page requests (not the page_size=1 status counts) the stub received."""
    entries = httpx.get(f"{url}/_stub/requests").json()
    return [[tuple(p) for p in e["query"]] for e in entries
            if e["path"] == "/v6/jobs/" and ["page_size", "1"] not in e["query"]]


def forget_requests(url: str) -> None:
    httpx.delete(f"{url}/_stub/requests")


async def wait_for_query(pilot, app, url: str, param: tuple[str, str], tries: int = 500):
    """The last page request, once one carrying `param` has reached the stub: on a busy machine
    a filter can take longer than a settle() to travel from the form to the server."""
    for _ in range(tries):
        if any(param in q for q in jobs_requests(url)):
            await settle(pilot, app)
            return jobs_requests(url)[-1]
        await pilot.pause(0.02)
    raise AssertionError(f"no page request with {param} reached the stub")


async def test_first_page_is_newest_modified_first(stub_url, make_app):
    app = make_app(stub_url, page_size=100)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        query = jobs_requests(stub_url)[-1]
        assert ("order", "-last_modified") in query  # Scale's own default is oldest first
        assert ("page", "1") in query and ("page_size", "100") in query
        screen = app.screen
        assert isinstance(screen, JobsScreen)
        ids = screen.table.job_ids
        assert len(ids) == 100
        modified = [j.last_modified for j in screen.jobs]
        assert modified == sorted(modified, reverse=True)


async def test_status_selection_sends_one_status_param_each(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        forget_requests(stub_url)
        bar = app.screen.query_one(FilterBar)
        bar.post_message(FilterBar.Changed({"statuses": ("FAILED", "CANCELED")}))
        await settle(pilot, app)
        query = jobs_requests(stub_url)[-1]
        assert [v for k, v in query if k == "status"] == ["FAILED", "CANCELED"]
        assert {j.status for j in app.screen.jobs} <= {"FAILED", "CANCELED"}
        assert app.screen.jobs


async def test_window_preset_key_sends_rolling_iso_duration(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        forget_requests(stub_url)
        await pilot.press("t")  # all -> 1h
        await settle(pilot, app)
        assert ("started", "PT1H") in jobs_requests(stub_url)[-1]


async def test_changing_one_filter_keeps_the_others(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("F")  # failed only
        await pilot.press("s")  # sort by the next column
        await settle(pilot, app)
        forget_requests(stub_url)
        await pilot.press("t")
        await settle(pilot, app)
        query = jobs_requests(stub_url)[-1]
        assert ("status", "FAILED") in query
        assert ("started", "PT1H") in query
        assert [v for k, v in query if k == "order"] == ["-duration"]  # next after -last_modified


async def test_typed_filters_reach_the_query(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        forget_requests(stub_url)
        await pilot.press("f")
        await settle(pilot, app)
        bar = app.screen.query_one(FilterBar)
        bar.query_one("#f-batch_id").value = "3, 4"
        bar.query_one("#f-source_sensor").value = "wv2"
        bar.query_one("#f-window").value = "2026-01-01T02:00:00Z/2026-01-01T05:00:00Z"
        bar.query_one("#f-window").focus()
        await pilot.press("enter")  # submits at once instead of waiting for a pause in typing
        query = await wait_for_query(pilot, app, stub_url, ("batch_id", "3"))
        assert ("batch_id", "3") in query and ("batch_id", "4") in query
        assert ("source_sensor", "wv2") in query
        assert ("started", "2026-01-01T02:00:00Z") in query
        assert ("ended", "2026-01-01T05:00:00Z") in query


async def test_invalid_time_is_rejected_inline_without_a_request(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        bar = app.screen.query_one(FilterBar)
        window = bar.query_one("#f-window")
        forget_requests(stub_url)
        window.focus()
        window.value = ""
        await pilot.press(*"P1W", "enter")
        await settle(pilot, app)
        assert jobs_requests(stub_url) == []
        assert "window" in bar.errors and "week" in bar.errors["window"]
        assert window.has_class("-invalid")
        errors = str(bar.query_one("#filter-errors").render())
        assert "Window" in errors and "P7D" in errors
        assert window.value == "P1W"  # what the user typed stays, to be fixed
        # fixing it sends exactly one request with the corrected window
        window.value = "P7D"
        await pilot.press("enter")
        await settle(pilot, app)
        assert [("started", "P7D") in q for q in jobs_requests(stub_url)] == [True]
        assert not bar.errors


async def test_invalid_batch_id_is_named_and_not_sent(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        bar = app.screen.query_one(FilterBar)
        forget_requests(stub_url)
        bar.query_one("#f-batch_id").value = "12 x3"
        await settle(pilot, app)
        bar.query_one("#f-batch_id").focus()
        await pilot.press("enter")
        await settle(pilot, app)
        assert jobs_requests(stub_url) == []
        assert "'x3'" in bar.errors["batch_id"]


async def test_sort_on_a_column_uses_scale_order_names(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        screen.change_form(order="-duration")
        await settle(pilot, app)
        assert [v for k, v in jobs_requests(stub_url)[-1] if k == "order"] == ["-duration"]
        screen.change_form(order="node__hostname")
        await settle(pilot, app)
        assert [v for k, v in jobs_requests(stub_url)[-1] if k == "order"] == [
            "node__hostname", "-id"]


async def test_quick_filter_narrows_visible_rows_without_a_request(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        forget_requests(stub_url)
        await pilot.press("slash", *"failed")
        screen = app.screen
        await wait_until(pilot, lambda: screen.quick == "failed")  # applied once typing pauses
        await settle(pilot, app)
        shown = screen.table.row_count
        assert 0 < shown < len(screen.jobs)
        assert all(screen.jobs_by_id(i).status == "FAILED" for i in screen.table.job_ids)
        assert jobs_requests(stub_url) == []
        await pilot.press("escape")
        await settle(pilot, app)
        assert screen.table.row_count == len(screen.jobs)


async def test_next_page_asks_for_page_two(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        first = app.screen.table.job_ids
        await pilot.press("right_square_bracket")
        await settle(pilot, app)
        assert ("page", "2") in jobs_requests(stub_url)[-1]
        assert set(app.screen.table.job_ids).isdisjoint(first)
