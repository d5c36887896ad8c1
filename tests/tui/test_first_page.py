"""The jobs screen shows the first page asked while the UI imported (core/first_page.py) when it
is for the same server, profile, filter and page size, and asks itself otherwise."""

from __future__ import annotations

from concurrent.futures import Future

from scale_tui.api import Job, Page, ScaleConnectionError
from scale_tui.core.filter_form import FilterForm, to_job_filter
from scale_tui.core.first_page import FirstPage, first_page_key
from tests.fakes import FakeScale
from tests.tui.conftest import job_payload, settle

URL = "http://127.0.0.1:9"


def early(answer=None, error=None, **key_changes) -> FirstPage:
    key = {"profile_name": "test", "url": URL, "query": to_job_filter(FilterForm()),
           "page_size": 40, **key_changes}
    future: Future = Future()
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(answer)
    return FirstPage(first_page_key(**key), future)


def page_of(*ids: int) -> Page[Job]:
    return Page[Job].model_validate({"count": len(ids), "results": [job_payload(i) for i in ids]})


async def test_the_early_page_is_shown_without_asking_again(make_app):
    scale = FakeScale([job_payload(i) for i in (3, 2, 1)])
    app = make_app(URL, client=scale.client())
    app._first_page = early(page_of(99, 98))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        assert app.screen.table.job_ids == [99, 98]
        assert scale.list_requests() == []  # taken, not asked again
        await pilot.press("r")  # taken once: the next refresh asks the server
        await settle(pilot, app)
        assert app.screen.table.job_ids == [3, 2, 1]


async def test_an_early_page_for_another_query_or_a_failed_one_is_not_used(make_app):
    for stale in (early(page_of(99), page_size=100),
                  early(page_of(99), query=to_job_filter(FilterForm(statuses=("FAILED",)))),
                  early(error=ScaleConnectionError("refused"))):
        scale = FakeScale([job_payload(i) for i in (3, 2, 1)])
        app = make_app(URL, client=scale.client())
        app._first_page = stale
        async with app.run_test(size=(120, 30)) as pilot:
            await settle(pilot, app)
            assert app.screen.table.job_ids == [3, 2, 1]
            assert len(scale.list_requests()) == 1


async def test_an_early_page_that_came_is_drawn_by_the_mount_itself(make_app, monkeypatch):
    """The rows are on the table when the jobs screen's mount ends, so the first frame is the
    rows, not a "Loading jobs…" frame first (issue 15); the counts then come as usual, and the
    page is neither asked again nor drawn twice."""
    from scale_tui.screens.jobs import JobsScreen

    at_mount: dict = {}
    mount = JobsScreen.on_mount

    def recording_mount(screen) -> None:
        mount(screen)
        at_mount["rows"] = list(screen.table.job_ids)
        at_mount["empty shown"] = screen.query_one("#empty").display
        at_mount["focused"] = screen.focused.id if screen.focused else None

    monkeypatch.setattr(JobsScreen, "on_mount", recording_mount)
    drawn = []
    handler = JobsScreen.on_jobs_feed_page_loaded
    monkeypatch.setattr(JobsScreen, "on_jobs_feed_page_loaded",
                        lambda screen, message: (drawn.append(message.key),
                                                 handler(screen, message)))
    scale = FakeScale([job_payload(i) for i in (3, 2, 1)])
    app = make_app(URL, client=scale.client())
    app._first_page = early(page_of(99, 98))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        assert at_mount == {"rows": [99, 98], "empty shown": False, "focused": "jobs"}
        assert app.screen.table.job_ids == [99, 98]
        assert scale.list_requests() == []  # not asked again
        assert len(drawn) == 1  # drawn once, at mount
        assert app.screen.counts  # the worker went on with the counts


async def test_an_early_page_still_on_its_way_at_mount_is_waited_for(make_app):
    scale = FakeScale([job_payload(i) for i in (3, 2, 1)])
    app = make_app(URL, client=scale.client())
    pending: Future = Future()
    key = first_page_key("test", URL, to_job_filter(FilterForm()), 40)
    app._first_page = FirstPage(key, pending)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()  # mounted, the worker waits for the answer (no settle: it waits)
        assert app.screen.table.job_ids == []
        pending.set_result(page_of(99, 98))
        await settle(pilot, app)
        assert app.screen.table.job_ids == [99, 98]
        assert scale.list_requests() == []


async def test_the_frame_with_the_early_rows_is_painted_before_any_other_request(make_app,
                                                                               monkeypatch):
    """The cluster look (version, scheduler) and the counts wait for the first frame: sent
    before it, their work (and anyio's import, in a real start) delayed the rows (issue 15)."""
    from textual.screen import Screen

    from scale_tui.screens.jobs import JobsScreen

    scale = FakeScale([job_payload(i) for i in (3, 2, 1)])
    seen_at_paint: list[list[str]] = []
    paint = Screen._compositor_refresh

    def recording_paint(screen) -> None:
        if isinstance(screen, JobsScreen) and screen.table.job_ids and not seen_at_paint:
            seen_at_paint.append([r.url.path for r in scale.requests])
        paint(screen)

    monkeypatch.setattr(Screen, "_compositor_refresh", recording_paint)
    app = make_app(URL, client=scale.client())
    app._first_page = early(page_of(99, 98))
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        assert seen_at_paint == [[]]  # the rows' frame came first
        paths = {r.url.path for r in scale.requests}
        assert "/v6/scheduler/" in paths and app.screen.counts  # then the rest, as usual
