"""Issue 15: an idle console is a good citizen. The rule is core/refresh_policy.py's: idle after
the terminal lost focus or 10 minutes without a key (refresh every 60 s, said in the header), back
at once with a refresh on the next key or focus; status counts not asked while the page is
unchanged. Time is a frozen clock moved by hand: nothing here waits."""

from __future__ import annotations

from datetime import timedelta

from textual import events

from scale_tui.core import clock
from scale_tui.core.refresh_policy import DEFAULT_POLICY, Activity, RefreshPolicy
from tests.fakes import FakeScale
from tests.tui.conftest import FROZEN_NOW, job_payload, settle

IDLE = "idle: refreshing every 60 s"


def later(seconds: float):
    return clock.freeze(FROZEN_NOW + timedelta(seconds=seconds))


# ---- the rule, as functions

def test_idle_after_blur_or_ten_minutes_without_a_key():
    policy = RefreshPolicy(interval=5.0)
    activity = Activity(last_key=FROZEN_NOW)
    assert not activity.idle(policy, FROZEN_NOW + timedelta(seconds=599))
    assert activity.idle(policy, FROZEN_NOW + timedelta(seconds=600))
    assert activity.key(policy, FROZEN_NOW + timedelta(seconds=601))  # woke: refresh now
    assert not activity.idle(policy, FROZEN_NOW + timedelta(seconds=601))
    assert not activity.key(policy, FROZEN_NOW + timedelta(seconds=602))  # was not idle
    assert not activity.focus(False, policy, FROZEN_NOW + timedelta(seconds=603))
    assert activity.idle(policy, FROZEN_NOW + timedelta(seconds=604))  # blurred: idle at once
    assert activity.focus(True, policy, FROZEN_NOW + timedelta(seconds=605))
    assert not activity.idle(policy, FROZEN_NOW + timedelta(seconds=605))


def test_idle_waits_and_words():
    assert [DEFAULT_POLICY.wait(idle=False), DEFAULT_POLICY.wait(idle=True)] == [5.0, 60.0]
    assert RefreshPolicy(interval=120.0).idle_wait() == 120.0  # never faster than normal
    assert DEFAULT_POLICY.idle_text() == IDLE


def test_counts_are_asked_only_when_something_changed():
    due = DEFAULT_POLICY.counts_due
    assert due(filter_changed=False, page_changed=False, age=None, idle=False)  # none yet
    assert due(filter_changed=True, page_changed=False, age=1.0, idle=True)
    assert not due(filter_changed=False, page_changed=False, age=10_000.0, idle=False)
    assert not due(filter_changed=False, page_changed=True, age=149.0, idle=False)
    assert due(filter_changed=False, page_changed=True, age=150.0, idle=False)
    assert not due(filter_changed=False, page_changed=True, age=10_000.0, idle=True)


def test_an_idle_jobs_screen_stays_under_the_issues_budget():
    # 12 pages a minute at the default 5 s, counts (7 requests) at most every counts_interval,
    # the scheduler look (core/cluster.py CHECK_INTERVAL, 30 s): <= 15 a minute; idle <= 2.
    from scale_tui.core.cluster import CHECK_INTERVAL
    policy = DEFAULT_POLICY
    busy = 60 / policy.interval + 7 * 60 / policy.counts_interval + 60 / CHECK_INTERVAL
    assert busy <= 17  # a cluster whose first page changes every refresh
    quiet = 60 / policy.interval + 60 / CHECK_INTERVAL  # the page unchanged: no counts
    assert quiet <= 15
    idle = 60 / policy.idle_wait() + 60 / max(CHECK_INTERVAL, policy.idle_wait())
    assert idle <= 2


# ---- the console

def header(app) -> str:
    return str(app.screen.query_one("#header").render())


def count_requests(scale: FakeScale) -> int:
    return sum(1 for r in scale.requests if r.url.params.get("page_size") == "1")


async def test_blur_slows_down_and_says_so_focus_refreshes_at_once(make_app, frozen_clock):
    scale = FakeScale([job_payload(i) for i in range(3, 0, -1)])
    app = make_app(client=scale.client(), refresh_interval=5.0)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert IDLE not in header(app)
        assert await screen._load() == 5.0
        app.post_message(events.AppBlur())
        await settle(pilot, app)
        assert app.idle and IDLE in header(app)
        assert await screen._load() == 60.0  # the next refresh is a minute away
        seen = len(scale.list_requests())
        app.post_message(events.AppFocus())
        await settle(pilot, app)
        assert len(scale.list_requests()) == seen + 1  # at once, not in 60 s
        assert not app.idle and IDLE not in header(app)


async def test_ten_minutes_without_a_key_is_idle_and_a_key_wakes_it(make_app, frozen_clock):
    scale = FakeScale([job_payload(i) for i in range(3, 0, -1)])
    app = make_app(client=scale.client(), refresh_interval=5.0)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, app)
        with later(601):
            assert await app.screen._load() == 60.0
            assert IDLE in header(app)
            seen = len(scale.list_requests())
            await pilot.press("down")  # any key, not only r
            await settle(pilot, app)
            assert len(scale.list_requests()) == seen + 1
            assert IDLE not in header(app)
            assert await app.screen._load() == 5.0


async def test_counts_are_not_asked_while_the_page_is_unchanged(make_app, frozen_clock):
    scale = FakeScale([job_payload(i) for i in range(3, 0, -1)])
    app = make_app(client=scale.client(), refresh_interval=5.0)
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, app)
        first = count_requests(scale)
        assert first == 7  # one per status on the first load
        with later(300):  # long past counts_interval, not idle (a key below)
            await pilot.press("r")
            await settle(pilot, app)
            assert count_requests(scale) == first  # same page: the counts were not asked
            assert "counts 06:30:00" in header(app)  # and the header says how old they are
            scale.jobs = [job_payload(3, status="FAILED"), *scale.jobs[1:]]
            await pilot.press("r")
            await settle(pilot, app)
            assert count_requests(scale) == first + 7  # the page changed: counts again
            assert "counts " not in header(app)


# ---- the same rule on the screens pushed over the jobs list (issue 15, "Build")

async def test_details_screens_slow_down_while_idle_and_refresh_at_once_on_return(make_app,
                                                                                  frozen_clock):
    from scale_tui.screens.execution_details import ExecutionDetailsScreen
    from scale_tui.screens.job_details import JobDetailsScreen
    from tests.fakes import page, respond
    from tests.pilot import wait_until

    scale = FakeScale([job_payload(3)])
    scale.on("GET", r"/v6/jobs/3/", respond(job_payload(3)))
    scale.on("GET", r"/v6/jobs/3/executions/", respond(page([scale.execution(
        30, job_id=3, exe_num=1, status="RUNNING").details()])))
    app = make_app(client=scale.client(), refresh_interval=5.0)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        for open_screen, kind in ((lambda: app.open_job(3), JobDetailsScreen),
                                  (lambda: app.open_execution(3, 1), ExecutionDetailsScreen)):
            open_screen()
            await wait_until(pilot, lambda: isinstance(app.screen, kind)  # noqa: B023
                             and app.screen.last_refresh is not None)
            screen = app.screen
            assert await screen.load() == 5.0 and IDLE not in header(app)
            app.post_message(events.AppBlur())
            await wait_until(pilot, lambda: IDLE in header(app))
            assert await screen.load() == 60.0  # the next refresh is a minute away
            seen = len(scale.requests)
            app.post_message(events.AppFocus())
            await wait_until(pilot, lambda: len(scale.requests) > seen)  # noqa: B023  at once
            assert IDLE not in header(app)
            assert await screen.load() == 5.0


async def test_the_log_polls_slowly_while_idle_and_at_once_on_return(make_app, frozen_clock):
    from tests.pilot import wait_until

    scale = FakeScale([job_payload(9)])
    scale.execution(41, job_id=9, exe_num=1, status="RUNNING").write(["one", "two"])
    app = make_app(client=scale.client(), refresh_interval=5.0)
    async with app.run_test(size=(160, 40)) as pilot:
        await settle(pilot, app)
        app.open_log(41, job_id=9, exe_num=1)
        await wait_until(pilot, lambda: len(scale.log_requests) >= 1)
        screen = app.screen
        assert screen.poll_wait(screen.poll_interval) == screen.poll_interval == 2.0
        assert IDLE not in header(app)
        app.post_message(events.AppBlur())
        await wait_until(pilot, lambda: IDLE in header(app))
        assert screen.poll_wait(screen.poll_interval) == 60.0  # the tail sleeps a minute
        seen = len(scale.log_requests)
        app.post_message(events.AppFocus())
        await wait_until(pilot, lambda: len(scale.log_requests) > seen)  # at once
        assert IDLE not in header(app)
        assert screen.poll_wait(screen.poll_interval) == 2.0
        with later(601):  # ten minutes without a key: no event, the app's periodic look says it
            assert screen.poll_wait(screen.poll_interval) == 60.0
            app._check_idle()
            await wait_until(pilot, lambda: IDLE in header(app))
