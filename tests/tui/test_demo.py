"""`scale-tui --demo` starts its own stub and never leaves it running."""

from __future__ import annotations

import time

import pytest
from textual.app import App

from scale_tui import app as app_module
from scale_tui import cli
from scale_tui.app import ScaleApp
from tests.pilot import DEADLINE


@pytest.fixture
def spawned(monkeypatch):
    """Record the stub processes the demo starts (a smaller stub, to keep the test short)."""
    import server_stub.runner as runner

    stubs = []
    real = runner.spawn_stub

    def spawn(**kwargs):
        stubs.append(real(**{**kwargs, "jobs": 50}))
        return stubs[-1]

    monkeypatch.setattr(runner, "spawn_stub", spawn)
    return stubs


def describe(app) -> str:
    """What the console was showing when a condition never came: for the failure message."""
    screen = app.screen
    statuses = getattr(screen, "statuses", None)
    return (f"screen {type(screen).__name__}, server_ready={app.server_ready}, "
            f"problem={app.server_problem!r}, statuses={statuses!r}, "
            f"notes={[n.message for n in app._notifications]!r}")


def app_of(seen: dict):
    """The app once the condition held; a clear failure when it never did."""
    assert "timed out" not in seen, f"condition not reached in {DEADLINE:g} s: {seen['timed out']}"
    return seen["app"]


def run_headless_until(monkeypatch, condition, then=None):
    """Run the console without a terminal; exit (or call `then`) once `condition(app)` holds.

    `seen["steps"]` records the heap freeze (not done for real: it would keep this test
    process's garbage forever) and the run, in order."""
    seen = {"steps": []}
    monkeypatch.setattr(app_module.gc, "freeze", lambda: seen["steps"].append("freeze"))

    def run(self, *args, **kwargs):
        seen["steps"].append("run")
        async def watch(pilot):
            end = time.monotonic() + DEADLINE
            while not condition(self):
                if time.monotonic() > end:  # fail, never hang the suite
                    seen["timed out"] = describe(self)
                    self.exit()
                    return
                await pilot.pause(0.05)
            seen["app"] = self
            if then is not None:
                then(self)
            self.exit()

        return App.run(self, headless=True, size=(100, 30), auto_pilot=watch)

    monkeypatch.setattr(ScaleApp, "run", run)
    return seen


def has_rows(app) -> bool:
    return bool(app.server_ready and app.screen_stack and app.screen_stack[0].table.row_count)


def test_demo_shows_jobs_and_stops_its_stub_on_exit(spawned, monkeypatch, isolated):
    seen = run_headless_until(monkeypatch, has_rows)
    assert cli.main(["--demo"]) == 0
    assert seen["steps"] == ["freeze", "run"]  # imports kept out of full collections
    assert app_of(seen).profile.url.startswith("http://127.0.0.1:")
    assert len(spawned) == 1
    assert not spawned[0].process.is_alive()


def test_demo_stops_its_stub_when_the_console_crashes(spawned, monkeypatch, isolated):
    def crash(app):
        raise RuntimeError("boom")

    run_headless_until(monkeypatch, has_rows, then=crash)
    with pytest.raises(RuntimeError):
        cli.main(["--demo"])
    assert len(spawned) == 1
    assert not spawned[0].process.is_alive()


def test_demo_fleet_shows_three_clusters_one_paused_and_stops_them(monkeypatch, isolated):
    """`--demo --fleet`: three stubs in one child process (smaller, to keep the test short) as
    demo-east, demo-west and demo-lab; the console opens on the fleet and on demo-east."""
    import server_stub.runner as runner
    from scale_tui.core import fleet
    from scale_tui.screens.fleet import FleetScreen

    fleets = []
    real = runner.spawn_stubs

    def spawn(configs):
        assert [c.get("paused", False) for c in configs] == [False, False, True]
        fleets.append(real([{**c, "jobs": 40, "simulate": False} for c in configs]))
        return fleets[-1]

    monkeypatch.setattr(runner, "spawn_stubs", spawn)

    def all_checked(app) -> bool:
        screen = app.screen
        return (isinstance(screen, FleetScreen) and len(screen.statuses) == 3
                and all(s.state != fleet.WAITING for s in screen.statuses.values()))

    shown = {}
    seen = run_headless_until(monkeypatch, all_checked,
                              then=lambda app: shown.update(app.screen.statuses))
    assert cli.main(["--demo", "--fleet"]) == 0
    app, statuses = app_of(seen), shown
    assert list(statuses) == ["demo-east", "demo-west", "demo-lab"]
    assert all(s.live for s in statuses.values())
    assert [s.scheduler_paused for s in statuses.values()] == [False, False, True]
    assert app.profile_name == "demo-east" and app.profile.url == statuses["demo-east"].url
    assert len({s.url for s in statuses.values()}) == 3
    assert len(fleets) == 1 and not fleets[0].process.is_alive()
