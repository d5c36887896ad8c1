"""Issue 12 findings 3 and 4: the cancel/requeue dialog and the queue form send what they show.

The scope is chosen with its own keys (1, 2, 3 … printed beside each scope); Enter presses the
focused button and nothing else; at 80x24 the request that will be sent and the buttons stay on
screen (only the middle scrolls). Same fake Scale and jobs as tests/tui/test_actions_pilot.py.
"""

from __future__ import annotations

import json

import pytest
from textual.widgets import Button, Input, RadioSet

from scale_tui.api import JobFilter
from scale_tui.screens import action_flow as action_screens
from scale_tui.screens.action_flow import ActionContext
from scale_tui.screens.confirm_action import ConfirmAction
from tests.tui.test_actions_pilot import (
    actions_app,
    actions_scale,
    choose_job_type,
    open_confirm,
    text,
)


@pytest.fixture
def scale():
    return actions_scale()


# Cursor on job 2 (FAILED), jobs 1 and 3 marked, a two-status filter (five scopes, one of them
# not possible): the most crowded dialog there is.
CROWDED = ActionContext(2, marked=(1, 3), filter=JobFilter(status=["FAILED", "CANCELED"]),
                        listed=(1, 2, 3))


@pytest.fixture(autouse=True)
def no_verification(monkeypatch):
    monkeypatch.setattr(action_screens, "VERIFY_DELAY", None)


def shown_bodies(app) -> list[dict]:
    """The bodies the dialog says it will send, read back from its text."""
    lines = text(app, "#request").splitlines()
    return [json.loads(line.split(" ", 2)[2]) for line in lines if line.startswith("POST ")]


def on_screen(app, widget) -> bool:
    """The widget's first line at least is drawn inside the terminal (a long request scrolls
    inside its own box, so its box must be wholly on screen)."""
    region = widget.region
    first_line = region._replace(height=min(region.height, 1))
    return region.height > 0 and app.screen.region.contains_region(first_line)


async def settle(pilot) -> None:
    await pilot.pause()
    await pilot.app.workers.wait_for_complete()
    await pilot.pause()


@pytest.mark.parametrize("kind", ["cancel", "requeue"])
async def test_enter_sends_the_marked_jobs_shown_never_the_cursor_job(scale, kind):
    """Finding 3: with 2 jobs marked, Enter confirmed the cursor's job instead."""
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, kind, CROWDED)
        assert dialog.query_one("#scope", RadioSet).pressed_button.name == "marked"
        assert dialog.focused is dialog.query_one("#confirm", Button)
        shown = shown_bodies(pilot.app)
        assert shown == [{"job_ids": [1, 3]}]
        await pilot.press("enter")
        await settle(pilot)
        assert [body for _, body in scale.posts] == shown


async def test_scope_keys_pick_the_scope_printed_beside_them(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "cancel", CROWDED)
        labels = [str(b.label) for b in dialog.query_one("#scope", RadioSet).query("RadioButton")]
        assert [label.split()[0] for label in labels] == ["1", "2", "3", "4", "5"]
        await pilot.press("1")
        await settle(pilot)
        assert dialog.scope == "job" and shown_bodies(pilot.app) == [{"job_ids": [2]}]
        await pilot.press("3")  # every job matching two statuses: not possible, so not chosen
        await settle(pilot)
        assert dialog.scope == "job"
        await pilot.press("4")
        await settle(pilot)
        assert shown_bodies(pilot.app) == [{"status": "FAILED"}, {"status": "CANCELED"}]
        await pilot.press("2")
        await settle(pilot)
        assert shown_bodies(pilot.app) == [{"job_ids": [1, 3]}]
        assert scale.posts == []  # choosing a scope never sends


async def test_enter_in_the_priority_field_sends_nothing(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "requeue", CROWDED)
        dialog.query_one("#priority", Input).focus()
        await pilot.press("7", "enter")
        await settle(pilot)
        assert scale.posts == []
        assert dialog.focused is dialog.query_one("#confirm", Button)
        assert shown_bodies(pilot.app) == [{"job_ids": [1, 3], "priority": 7}]
        await pilot.press("enter")
        await settle(pilot)
        assert [body for _, body in scale.posts] == [{"job_ids": [1, 3], "priority": 7}]


async def test_the_scope_list_never_takes_the_focus(scale):
    async with actions_app(scale).run_test(size=(120, 45)) as pilot:
        dialog = await open_confirm(pilot, "requeue", CROWDED)
        seen = set()
        for _ in range(6):
            await pilot.press("tab")
            seen.add(dialog.focused.id if dialog.focused else None)
        assert "scope" not in seen
        assert dialog.query_one("#scope", RadioSet).pressed_button.name == "marked"


@pytest.mark.parametrize("kind", ["cancel", "requeue"])
async def test_body_and_buttons_are_on_screen_at_80x24(scale, kind):
    """Finding 4: at 80x24 the body and the buttons were below the screen's edge."""
    async with actions_app(scale).run_test(size=(80, 24)) as pilot:
        dialog = await open_confirm(pilot, kind, CROWDED)
        for selector in ("#request-box", "#request", "#confirm", "#back"):
            assert on_screen(pilot.app, dialog.query_one(selector)), selector
        box = dialog.query_one("#request-box").region
        assert pilot.app.screen.region.contains_region(box)
        assert "Will send:" in text(pilot.app, "#request")
        shown = shown_bodies(pilot.app)
        # Tab, Tab, Enter (the keys of the finding): whatever it sends is the body on screen.
        await pilot.press("tab", "tab", "enter")
        await settle(pilot)
        assert [body for _, body in scale.posts] in ([], shown)


async def test_queue_form_request_and_buttons_are_on_screen_at_80x24(scale):
    async with actions_app(scale).run_test(size=(80, 24)) as pilot:
        dialog = await choose_job_type(pilot, "optional-json\x001.0.0")
        dialog.query_one("#input-0", Input).value = "12"
        dialog.query_one("#input-1", Input).value = "a long value " * 60
        await settle(pilot)
        for selector in ("#request-box", "#request", "#queue", "#back"):
            assert on_screen(pilot.app, dialog.query_one(selector)), selector
        assert pilot.app.screen.region.contains_region(dialog.query_one("#request-box").region)
        assert text(pilot.app, "#request").startswith("Will send: POST /v6/jobs/")
        dialog.query_one("#priority", Input).focus()
        await pilot.press("enter")  # the last field: moves to the button, sends nothing
        await settle(pilot)
        assert scale.posts == []
        assert dialog.focused is dialog.query_one("#queue", Button)


def test_confirmation_at_80x24_shows_scope_keys_body_and_buttons(snap_compare, scale):
    async def opened(pilot):
        await open_confirm(pilot, "requeue", CROWDED)

    assert snap_compare(actions_app(scale), terminal_size=(80, 24), run_before=opened)


def test_dialog_is_a_confirm_action():  # the import above is the dialog these tests drive
    assert ConfirmAction.AUTO_FOCUS == "#back"
