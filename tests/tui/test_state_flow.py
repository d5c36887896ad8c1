"""Issue 10: state flows one way. Workers only ask the server and post what came back; handlers
draw. An answer from a server the console has left is never drawn, and a message to a screen
that has been popped is dropped."""

from __future__ import annotations

from scale_tui import app as app_module
from scale_tui.core.config import Profile
from scale_tui.screens.jobs_feed import JobsFeed
from scale_tui.screens.log import LogScreen
from tests.fakes import FakeScale
from tests.pilot import wait_until
from tests.tui.conftest import job_payload, settle


async def test_a_page_from_the_server_left_behind_is_never_drawn(make_app, monkeypatch):
    old = FakeScale([job_payload(1), job_payload(2)])
    new = FakeScale([job_payload(9001)])
    app = make_app(client=old.client(), name="first")
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        old_client = app.client
        late = await old_client.list_jobs(page=1, page_size=40)  # what the old server said
        monkeypatch.setattr(app_module, "make_client", lambda *a, **k: new.client())
        app.switch_profile("second", Profile(url="http://second.test", refresh_interval=300))
        await settle(pilot, app)
        assert jobs.table.job_ids == [9001]
        jobs.post_message(JobsFeed.PageLoaded(old_client, ((), 1), late))  # arrives late
        await settle(pilot, app)
        assert jobs.table.job_ids == [9001] and jobs.total == 1


async def test_what_the_follow_worker_posts_to_a_popped_log_screen_is_dropped(make_app):
    scale = FakeScale([job_payload(9)])
    scale.execution(41, job_id=9, exe_num=1, status="RUNNING").write(["one", "two"])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        app.open_log(41, job_id=9, exe_num=1)
        await wait_until(pilot, lambda: isinstance(app.screen, LogScreen)
                         and app.screen.tail.phase == "following")
        log = app.screen
        await app.pop_screen()
        log.post_message(LogScreen.TailStopped(None))  # "the log is complete"
        for _ in range(3):
            await pilot.pause()
        assert log.tail.phase == "following"  # never handled: nothing drew on it
        assert not any("Unexpected" in (n.title or "") for n in app._notifications)


async def test_timestamps_and_wrap_are_the_screens_and_the_view_follows(make_app):
    scale = FakeScale([job_payload(9)])
    scale.execution(41, job_id=9, exe_num=1, status="COMPLETED").write(["one"])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        app.open_log(41, job_id=9, exe_num=1)
        await wait_until(pilot, lambda: isinstance(app.screen, LogScreen)
                         and app.screen.tail.phase == "complete")
        log = app.screen
        for key, name, word in (("t", "show_timestamps", "timestamps"), ("w", "wrap", "wrap")):
            await pilot.press(key)
            await pilot.pause()
            assert getattr(log, name) is True and getattr(log.view, name) is True
            assert word in str(log.query_one("#log-status").render())
            await pilot.press(key)
            await pilot.pause()
            assert getattr(log, name) is False and getattr(log.view, name) is False
