"""The jobs screen hands the confirmation exactly what it shows: an action is never wider than
the list the operator is looking at.

Against the shared (read-only) stub: each test opens the confirmation, reads it, and leaves
with escape, so nothing is ever sent.
"""

from __future__ import annotations

from textual.widgets import RadioButton, RadioSet, Static

from scale_tui.screens.confirm_action import ConfirmAction
from scale_tui.screens.jobs import JobsScreen
from scale_tui.widgets.filter_bar import FilterBar
from tests.tui.conftest import plain_text, settle


def scope_buttons(dialog: ConfirmAction) -> dict[str, RadioButton]:
    return {b.name: b for b in dialog.query_one("#scope", RadioSet).query(RadioButton)}


def problems(dialog: ConfirmAction) -> str:
    return " ".join(plain_text(s, width=400) for s in dialog.query(".problem").results(Static))


async def open_cancel(pilot, app) -> ConfirmAction:
    await pilot.press("c")
    await settle(pilot, app)
    assert isinstance(app.screen, ConfirmAction)
    return app.screen


async def test_quick_filter_offers_the_listed_jobs_and_says_the_filter_is_client_side(
    stub_url, make_app
):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, JobsScreen)
        await pilot.press("slash", *"failed", "enter")
        await settle(pilot, app)
        listed = screen.table.job_ids
        assert 0 < len(listed) < len(screen.jobs)

        dialog = await open_cancel(pilot, app)
        buttons = scope_buttons(dialog)
        assert buttons["filter"].disabled  # Scale cannot apply /failed: it would hit more
        assert "quick filter /failed narrows only the list on screen" in problems(dialog)
        assert "Scale cannot apply it" in problems(dialog)
        assert not buttons["listed"].disabled
        assert f"the {len(listed)} jobs listed now" in str(buttons["listed"].label)

        buttons["listed"].value = True  # pick "the jobs listed": sent by id, exactly those
        await settle(pilot, app)
        assert dialog.plan is not None
        assert [i for f in dialog.plan.filters for i in f.job_id] == listed
        assert f'"job_ids": [{listed[0]}, ' in plain_text(dialog.query_one("#request", Static),
                                                          width=2000)
        await pilot.press("escape")
        await settle(pilot, app)
        assert app.screen is screen


async def test_without_quick_filter_every_job_matching_is_offered(stub_url, make_app):
    """The control for the tests below: the filter scope is there when the form is valid."""
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("F")  # failed only: a filter a cancel body can express
        await settle(pilot, app)
        dialog = await open_cancel(pilot, app)
        buttons = scope_buttons(dialog)
        assert not buttons["filter"].disabled
        assert "every job matching: status FAILED" in str(buttons["filter"].label)
        assert "listed" not in buttons
        await pilot.press("escape")


async def test_invalid_typed_filter_offers_no_every_job_scope(stub_url, make_app):
    app = make_app(stub_url)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")
        bar = app.screen.query_one(FilterBar)
        batch = bar.query_one("#f-batch_id")
        batch.focus()
        # Set at once: typed key by key on a loaded machine, the pause after "12" could apply
        # batch 12 (a valid filter with no jobs) before "x3" arrives, leaving no job to cancel.
        batch.value = "12 x3"
        await pilot.press("enter")
        await settle(pilot, app)
        assert "batch_id" in bar.errors
        app.screen.table.focus()
        await pilot.pause()

        dialog = await open_cancel(pilot, app)
        buttons = scope_buttons(dialog)
        assert "filter" not in buttons and "each-status" not in buttons
        assert "listed" not in buttons
        assert set(buttons) == {"job"}
        assert all("every job" not in str(b.label) for b in buttons.values())
        await pilot.press("escape")
