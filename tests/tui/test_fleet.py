"""The fleet screen: every configured cluster in one table, each polled on its own; Enter switches.

Three seeded stubs (simulator off), one stopped; the clock is frozen inside the stubs' data and
the latency timer is frozen, so the snapshot is the same on every run.
"""

from __future__ import annotations

import time

import pytest

from scale_tui.api import ScaleClient
from scale_tui.core import fleet
from scale_tui.core.config import Profile
from scale_tui.screens.fleet import FleetScreen
from scale_tui.screens.jobs import JobsScreen
from tests.pilot import wait_until
from tests.tui.conftest import plain_text
from tests.tui.fleet_fixtures import HUNG_TIMEOUT, fleet_urls, hung_url, write_config

__all__ = ["fleet_urls", "hung_url"]  # fixtures

SHOWN_URL = "https://scale.example/api"  # the stubs' ports change from run to run


@pytest.fixture
def frozen_latency(monkeypatch):
    monkeypatch.setattr(fleet, "perf_counter", lambda: 0.0)


@pytest.fixture
def fleet_app(isolated, frozen_clock, fleet_urls):
    """The console on `on` (east unless told; shown as SHOWN_URL), opening on the fleet screen;
    the config names east, west (read-only, scheduler paused) and lab (stopped)."""
    from scale_tui.app import ScaleApp

    write_config(isolated, {"east": {"url": fleet_urls["east"]},
                            "lab": {"url": fleet_urls["lab"], "timeout": 5.0},
                            "west": {"url": fleet_urls["west"], "read_only": True}})

    def make(on: str = "east", **kwargs) -> ScaleApp:
        profile = Profile(url=SHOWN_URL, refresh_interval=300.0, page_size=40)
        client = ScaleClient(fleet_urls[on], max_tries=1)
        return ScaleApp(on, profile, client=client, **kwargs)

    return make


def rows_checked(app) -> bool:
    screen = app.screen
    return (isinstance(screen, FleetScreen) and len(screen.statuses) == len(screen.members) > 0
            and all(s.state != fleet.WAITING for s in screen.statuses.values()))


def test_fleet_screen_with_three_stubs_one_stopped(snap_compare, fleet_app, frozen_latency):
    """On west, whose scheduler is paused: the header says so loudly."""

    async def checked(pilot) -> None:
        await wait_until(pilot, lambda: rows_checked(pilot.app)
                         and "SCHEDULER PAUSED" in header_text(pilot.app))
        for _ in range(3):
            await pilot.pause()

    assert snap_compare(fleet_app("west", open_fleet=True), terminal_size=(130, 16),
                        run_before=checked)


async def test_rows_say_state_version_scheduler_and_counts(fleet_app):
    app = fleet_app(open_fleet=True)
    async with app.run_test(size=(130, 16)) as pilot:
        await wait_until(pilot, lambda: rows_checked(app))
        statuses = app.screen.statuses
        assert [m.name for m in app.screen.members] == ["east", "lab", "west"]
        assert statuses["lab"].state == fleet.OFFLINE and statuses["lab"].running is None
        east, west = statuses["east"], statuses["west"]
        assert (east.state, east.scheduler_paused, east.running, east.queued) == (
            fleet.LIVE, False, 5, 2)
        assert (west.state, west.scheduler_paused, west.read_only) == (fleet.LIVE, True, True)
        assert sum(east.failures_24h) == 10 and east.failed_1h == 1  # the stub's own counts
        assert east.last_failure is not None and east.version == "7.0.0"


async def test_enter_switches_the_console_to_that_cluster(fleet_app, fleet_urls):
    app = fleet_app()
    async with app.run_test(size=(130, 30)) as pilot:
        await pilot.press("C")  # the fleet key
        await wait_until(pilot, lambda: rows_checked(app))
        await pilot.press("down", "down")  # east, lab, west
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.profile_name == "west")
        assert isinstance(app.screen, JobsScreen) and len(app.screen_stack) == 1
        assert app.client.base_url.rstrip("/") == fleet_urls["west"]
        assert app.read_only  # west is a read-only profile
        await wait_until(pilot, lambda: app.screen.total == 200)  # west's jobs, not east's


async def test_fleet_is_in_the_command_palette(fleet_app):
    app = fleet_app()
    async with app.run_test(size=(130, 30)) as pilot:
        await pilot.press("ctrl+p")
        await pilot.press(*"fleet")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen))


async def test_a_cluster_that_never_answers_does_not_delay_the_others(
        isolated, frozen_clock, fleet_urls, hung_url):
    from scale_tui.app import ScaleApp

    # The hung cluster is listed first, so a loop that waited for it would show nothing.
    write_config(isolated, {"a-hung": {"url": hung_url, "timeout": 30.0},
                            "east": {"url": fleet_urls["east"]},
                            "west": {"url": fleet_urls["west"]}})
    profile = Profile(url=fleet_urls["east"], refresh_interval=5.0)
    app = ScaleApp("east", profile, open_fleet=True)
    async with app.run_test(size=(130, 16)) as pilot:
        started = time.monotonic()
        # Within one refresh (5 s): both answering clusters are live ...
        await wait_until(pilot, lambda: isinstance(app.screen, FleetScreen) and all(
            app.screen.statuses.get(n) and app.screen.statuses[n].live
            for n in ("east", "west")), timeout=5.0)
        took = time.monotonic() - started
        # ... while the hung one is still waiting for its first answer.
        assert app.screen.statuses["a-hung"].state == fleet.WAITING
        assert took < 5.0, took


async def test_a_hung_cluster_times_out_alone(isolated, frozen_clock, fleet_urls, hung_url):
    from scale_tui.app import ScaleApp

    write_config(isolated, {"east": {"url": fleet_urls["east"]},
                            "hung": {"url": hung_url, "timeout": HUNG_TIMEOUT}})
    app = ScaleApp("east", Profile(url=fleet_urls["east"], refresh_interval=300.0),
                   open_fleet=True)
    async with app.run_test(size=(130, 16)) as pilot:
        await wait_until(pilot, lambda: rows_checked(app))
        hung = app.screen.statuses["hung"]
        assert hung.state == fleet.TIMEOUT and "1.5 s" in hung.error
        assert app.screen.statuses["east"].live


async def test_the_row_under_the_cursor_says_why_it_is_not_live(fleet_app):
    app = fleet_app(open_fleet=True)
    async with app.run_test(size=(130, 16)) as pilot:
        await wait_until(pilot, lambda: rows_checked(app))
        assert str(app.screen.detail.content) == ""  # east is live
        await pilot.press("down")
        await wait_until(pilot, lambda: str(app.screen.detail.content).startswith(
            "lab: Cannot reach"))


def header_text(app) -> str:
    from scale_tui.widgets.console_header import ConsoleHeader

    headers = app.screen.query(ConsoleHeader)
    return plain_text(headers.first(), width=300) if headers else ""


async def test_the_paused_scheduler_shows_in_the_header_until_another_cluster(
        isolated, frozen_clock, fleet_urls):
    from scale_tui.app import ScaleApp

    write_config(isolated, {"east": {"url": fleet_urls["east"]},
                            "west": {"url": fleet_urls["west"]}})
    app = ScaleApp("west", Profile(url=fleet_urls["west"], refresh_interval=300.0))
    async with app.run_test(size=(160, 30)) as pilot:
        await wait_until(pilot, lambda: "SCHEDULER PAUSED" in header_text(app))
        assert "Scale 7.0.0" in header_text(app)
        app.open_job(1)  # a screen opened later says it too
        await wait_until(pilot, lambda: not isinstance(app.screen, JobsScreen)
                         and "SCHEDULER PAUSED" in header_text(app))
        await pilot.press("escape", "C")
        await wait_until(pilot, lambda: rows_checked(app))
        assert "SCHEDULER PAUSED" in header_text(app)  # the fleet screen's header too
        await pilot.press("enter")  # east, the first row: its scheduler runs
        await wait_until(pilot, lambda: app.profile_name == "east"
                         and "scheduler running" in header_text(app))
        assert "PAUSED" not in header_text(app)
