"""`scale-tui --demo` starts its own stub and never leaves it running."""

from __future__ import annotations

import pytest
from textual.app import App

from scale_tui import app as app_module
from scale_tui import cli
from scale_tui.app import ScaleApp


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


def run_headless_until(monkeypatch, condition, then=None):
    """Run the console without a terminal; exit (or call `then`) once `condition(app)` holds.

    `seen["steps"]` records the heap freeze (not done for real: it would keep this test
    process's garbage forever) and the run, in order."""
    seen = {"steps": []}
    monkeypatch.setattr(app_module.gc, "freeze", lambda: seen["steps"].append("freeze"))

    def run(self, *args, **kwargs):
        seen["steps"].append("run")
        async def watch(pilot):
            while not condition(self):
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
    assert seen["app"].profile.url.startswith("http://127.0.0.1:")
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
