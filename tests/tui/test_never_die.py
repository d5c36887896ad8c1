"""Never die silently (issue 11): an exception in a handler, a timer or a worker leaves the
console running with a one-line message naming the log file, which holds the traceback; input
that cannot become a query is a message beside its field; a console that does end on an error
exits non-zero."""

from __future__ import annotations

import logging
from types import SimpleNamespace

import pytest
from textual.widgets import Input

from scale_tui import cli
from scale_tui.screens.action_flow import JobsChanged
from scale_tui.screens.jobs import JobsScreen
from scale_tui.widgets.filter_bar import FilterBar
from tests.fakes import FakeScale
from tests.tui.conftest import job_payload, settle


@pytest.fixture
def log_path(tmp_path):
    """The console's log file, as `scale-tui` opens it (cli._setup_logging)."""
    path = tmp_path / "console.log"
    logger = logging.getLogger("scale_tui")
    before, level = logger.handlers[:], logger.level
    logger.handlers.clear()  # another test's `scale-tui` run may have left its own
    cli._setup_logging(str(path))
    yield path
    for handler in logger.handlers:
        handler.close()
    logger.handlers[:] = before
    logger.setLevel(level)


def notes(app) -> list[str]:
    return [f"{n.title}: {n.message}" for n in app._notifications]


async def console_with_jobs(make_app):
    scale = FakeScale([job_payload(2), job_payload(1)])
    return scale, make_app(client=scale.client())


async def assert_still_serving(pilot, app, scale) -> None:
    """The screen still reads its messages and refreshes: `r` sends another request."""
    before = len(scale.list_requests())
    await pilot.press("r")
    await settle(pilot, app)
    assert app.is_running
    assert len(scale.list_requests()) == before + 1
    assert app.screen.table.job_ids == [2, 1]


async def test_an_exception_in_a_message_handler(make_app, log_path, monkeypatch):
    scale, app = await console_with_jobs(make_app)

    def broken(self, event) -> None:
        raise RuntimeError("boom in a handler")

    monkeypatch.setattr(JobsScreen, "on_jobs_changed", broken)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        app.screen.post_message(JobsChanged("cancelled 1 job"))
        await settle(pilot, app)
        shown = [n for n in notes(app) if "boom in a handler" in n]
        assert shown and f"details in {log_path}" in shown[0]
        await assert_still_serving(pilot, app, scale)
    text = log_path.read_text()
    assert "Traceback" in text and "RuntimeError: boom in a handler" in text
    assert "in broken" in text  # the frame that raised


async def test_an_exception_in_a_key_action(make_app, log_path, monkeypatch):
    scale, app = await console_with_jobs(make_app)

    def broken(self) -> None:
        raise KeyError("boom in an action")

    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        monkeypatch.setattr(JobsScreen, "action_next_sort", broken)
        await pilot.press("s")
        await settle(pilot, app)
        assert any("boom in an action" in n and str(log_path) in n for n in notes(app))
        monkeypatch.undo()
        await assert_still_serving(pilot, app, scale)
    assert "KeyError: 'boom in an action'" in log_path.read_text()


async def test_an_exception_in_a_worker(make_app, log_path, monkeypatch):
    scale, app = await console_with_jobs(make_app)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        drawn = screen.table.show_jobs

        def broken(*args, **kwargs):
            raise RuntimeError("boom in a worker")

        monkeypatch.setattr(screen.table, "show_jobs", broken)
        await pilot.press("r")
        await settle(pilot, app)
        assert app.is_running
        assert any("boom in a worker" in n and f"details in {log_path}" in n for n in notes(app))
        monkeypatch.setattr(screen.table, "show_jobs", drawn)
        await assert_still_serving(pilot, app, scale)  # the refresh loop lives on
    text = log_path.read_text()
    assert "Traceback" in text and "RuntimeError: boom in a worker" in text


async def test_an_exception_in_a_timer(make_app, log_path):
    scale, app = await console_with_jobs(make_app)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)

        def broken() -> None:
            raise ValueError("boom in a timer")

        app.screen.set_timer(0.01, broken)
        for _ in range(50):
            await pilot.pause(0.01)
            if any("boom in a timer" in n for n in notes(app)):
                break
        assert any("boom in a timer" in n for n in notes(app))
        await assert_still_serving(pilot, app, scale)
    assert "ValueError: boom in a timer" in log_path.read_text()


async def test_a_reversed_window_is_a_message_beside_the_field(make_app, log_path):
    scale, app = await console_with_jobs(make_app)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        bar = app.screen.query_one(FilterBar)
        window = bar.query_one("#f-window")
        before = len(scale.list_requests())
        window.focus()
        window.value = "2026-12-02T00:00Z/2026-12-01T00:00Z"
        await pilot.press("enter")
        await settle(pilot, app)
        assert app.is_running
        assert "must start before it ends" in bar.errors["window"]
        assert "Window" in str(bar.query_one("#filter-errors").render())
        assert len(scale.list_requests()) == before  # nothing sent
        assert not [n for n in notes(app) if "Unexpected" in n]
    assert "Traceback" not in log_path.read_text()


def test_a_console_that_ends_on_an_error_exits_non_zero(capsys, log_path):
    assert cli._exit_code(SimpleNamespace(return_code=0)) == 0
    assert cli._exit_code(SimpleNamespace(return_code=1)) == 1
    assert cli._exit_code(SimpleNamespace(return_code=None)) == 1  # never said how it ended
    assert f"details in {log_path}" in capsys.readouterr().err


async def test_what_gets_past_the_guards_is_logged_and_sets_exit_code_1(make_app, log_path):
    _scale, app = await console_with_jobs(make_app)
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 24)) as pilot:
            await settle(pilot, app)
            app._handle_exception(RuntimeError("past every guard"))
            await pilot.pause()
    assert app.return_code == 1
    assert "RuntimeError: past every guard" in log_path.read_text()


async def test_an_exception_in_a_widgets_own_handler(make_app, log_path, monkeypatch):
    """A widget's handler runs in the widget's own message pump, not its screen's: the widget
    is guarded too (widgets/guard.py), so the console says it once and keeps running."""
    scale, app = await console_with_jobs(make_app)

    def broken(self, event) -> None:
        raise RuntimeError("boom in a widget")

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        await settle(pilot, app)
        bar = app.screen.query_one(FilterBar)
        assert bar.is_open
        monkeypatch.setattr(FilterBar, "on_input_changed", broken)
        bar.query_one("#f-window", Input).focus()
        await pilot.press("1")  # the window field changes: FilterBar.on_input_changed raises
        await settle(pilot, app)
        assert app.is_running
        shown = [n for n in notes(app) if "boom in a widget" in n]
        assert len(shown) == 1, notes(app)
        assert "FilterBar.on_input_changed" in shown[0] and f"details in {log_path}" in shown[0]
        monkeypatch.undo()
        await pilot.press("escape")  # the next key: the panel's own action closes it
        await settle(pilot, app)
        assert not bar.is_open
        await assert_still_serving(pilot, app, scale)
    text = log_path.read_text()
    assert "Traceback" in text and "RuntimeError: boom in a widget" in text
