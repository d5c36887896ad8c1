"""Which jobs-table columns a terminal width shows, and the table following a resize."""

from __future__ import annotations

from scale_tui.core.jobs_columns import (
    COLUMN_KEYS,
    MARK_WIDTH,
    PADDING,
    WIDEST,
    WIDTHS,
    fit_columns,
)
from tests.fakes import FakeScale
from tests.tui.conftest import job_payload, settle


def used(widths: dict[str, int]) -> int:
    return MARK_WIDTH + PADDING + sum(w + PADDING for w in widths.values())


def test_the_columns_never_overflow_and_keep_table_order():
    for width in range(57, 300):
        widths = fit_columns(width)
        assert used(widths) <= width, width
        assert list(widths) == [key for key in COLUMN_KEYS if key in widths]
        assert {"id", "job_type", "status", "last_modified"} <= set(widths)
        assert all(widths[key] <= WIDEST.get(key, WIDTHS[key]) for key in widths)


def test_a_wide_terminal_shows_every_column_whole():
    assert fit_columns(139) == WIDTHS


def test_extra_width_goes_to_the_text_columns():
    at_200 = fit_columns(198)  # 200 columns less the scrollbar
    assert used(at_200) == 198  # nothing left blank
    for key in set(WIDTHS) - set(WIDEST):
        assert at_200[key] == WIDTHS[key], key
    assert at_200["job_type"] == WIDEST["job_type"] and at_200["node"] > WIDTHS["node"]
    assert at_200["error"] > 2 * WIDTHS["error"]


def test_created_goes_first_then_tries_then_the_text_columns_narrow():
    at_120 = fit_columns(118)  # 120 columns less the scrollbar
    assert "created" not in at_120 and "num_exes" in at_120
    assert at_120["job_type"] >= 20 and at_120["node"] == WIDTHS["node"]
    at_100 = fit_columns(98)
    assert set(at_100) == {"id", "job_type", "status", "error", "last_modified", "duration"}
    at_80 = fit_columns(78)
    assert set(at_80) == {"id", "job_type", "status", "error", "last_modified"}
    assert abs(at_80["job_type"] - at_80["error"]) <= 3  # the room is shared


def test_wider_never_shows_fewer_columns():
    counts = [len(fit_columns(width)) for width in range(40, 200)]
    assert counts == sorted(counts)


async def test_a_resize_keeps_rows_cursor_and_marks(make_app):
    scale = FakeScale([job_payload(i, minute=i) for i in range(8, 0, -1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(160, 30)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        assert [str(c.key.value) for c in table.columns.values()][-1] == "created"
        await pilot.press("down", "space")  # marks job 7, the cursor moves to job 6
        await pilot.resize_terminal(80, 24)
        await settle(pilot, app)
        keys = [c.key.value for c in table.columns.values()]
        assert "created" not in keys and "num_exes" not in keys and "node" not in keys
        assert table.job_ids == list(range(8, 0, -1))
        assert table.cursor_job_id == 6 and table.marked == {7}
        assert str(table.get_cell("7", "mark")).startswith("✓")
        assert len(table.get_row("7")) == len(keys)
        await pilot.resize_terminal(160, 30)
        await settle(pilot, app)
        assert [c.key.value for c in table.columns.values()][-1] == "created"
        assert table.cursor_job_id == 6


async def test_a_resize_that_keeps_the_columns_only_widens_them(make_app):
    scale = FakeScale([job_payload(i, minute=i) for i in range(3, 0, -1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        table = app.screen.table
        keys = [c.key.value for c in table.columns.values()]
        narrow = table.columns["error"].width  # type: ignore[index]
        await pilot.resize_terminal(126, 30)
        await settle(pilot, app)
        assert [c.key.value for c in table.columns.values()] == keys
        assert table.columns["error"].width > narrow  # type: ignore[index]
        assert table.get_row("3")  # the rows were not rebuilt away
