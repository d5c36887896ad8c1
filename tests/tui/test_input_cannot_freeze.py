"""Issue 12 finding 12: typing (not only pasting) 10,000 characters into `/` kept a core busy
for a minute and stopped refresh. Inputs that start work are capped (core/input_limits.py) and
the jobs screen's quick filter filters and redraws once typing pauses, so the work per keystroke
stays constant and refresh goes on."""

from __future__ import annotations

import time

from textual.widgets import Input

from scale_tui.core import log_search
from scale_tui.core.input_limits import FILTER_FIELD_MAX, FIND_MAX, QUICK_FILTER_MAX
from tests.fakes import FakeScale
from tests.pilot import wait_until
from tests.tui.conftest import job_payload, settle
from tests.tui.test_log_screen import numbered_log, open_log

TYPED = 60  # keys pressed one by one through Pilot (~0.1 s each), across the cap
INSERTED = 10_000  # characters typed straight into the input, one insert per character


async def test_typing_ten_thousand_characters_keeps_work_bounded_and_refresh_alive(
    make_app, monkeypatch
):
    scale = FakeScale([job_payload(i, minute=i % 60) for i in range(1, 201)])
    app = make_app(client=scale.client(), page_size=200)
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        draws = []
        real_draw = jobs._draw
        monkeypatch.setattr(jobs, "_draw", lambda **kw: (draws.append(1), real_draw(**kw)))
        await pilot.press("slash")
        quick = jobs.query_one("#quick", Input)
        quick.insert_text_at_cursor("x" * (QUICK_FILTER_MAX - TYPED // 2))
        await pilot.press(*["x"] * TYPED)  # typed, key by key, half of them past the cap
        assert len(quick.value) == QUICK_FILTER_MAX  # the cap holds for typed keys too
        started = time.perf_counter()
        for _ in range(INSERTED):
            quick.insert_text_at_cursor("y")
        inserting = time.perf_counter() - started
        await wait_until(pilot, lambda: jobs.quick == quick.value.strip())
        assert len(quick.value) == QUICK_FILTER_MAX
        assert len(draws) <= 3, len(draws)  # once per pause in the typing, not once per key
        assert inserting < 5.0, inserting  # refused keys cost next to nothing
        # Refresh is alive: the next refresh goes out and the header says live.
        await pilot.press("enter")  # keeps the find, back to the table
        before = len(scale.list_requests())
        await pilot.press("r")
        await wait_until(pilot, lambda: len(scale.list_requests()) > before)
        await settle(pilot, app)
        assert jobs.freshness().is_live


async def test_quick_filter_applies_once_typing_pauses_and_at_once_on_enter(make_app):
    scale = FakeScale([job_payload(1, status="FAILED"), job_payload(2)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot, app)
        jobs = app.screen
        await pilot.press("slash", *"failed", "enter")  # Enter does not wait for the pause
        assert jobs.quick == "failed" and jobs.table.job_ids == [1]
        await pilot.press("escape")
        await pilot.press("slash", *"running")
        await wait_until(pilot, lambda: jobs.quick == "running")  # the pause applies it
        assert jobs.table.job_ids == [2]


async def test_filter_panel_fields_are_capped(make_app):
    scale = FakeScale([job_payload(1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        await pilot.press("f")  # the panel is made when first opened
        field = app.screen.query_one("#f-window", Input)
        for _ in range(FILTER_FIELD_MAX + 500):
            field.insert_text_at_cursor("1")
        assert len(field.value) == FILTER_FIELD_MAX


async def test_log_find_is_capped_and_compiles_at_most_once_per_accepted_key(monkeypatch):
    compiled = []
    real = log_search.LogPattern.compile.__func__

    def counting(cls, text, **kwargs):
        compiled.append(len(text))
        return real(cls, text, **kwargs)

    monkeypatch.setattr(log_search.LogPattern, "compile", classmethod(counting))
    app, screen = open_log(numbered_log())
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("slash")
        find = screen.query_one("#find-input", Input)
        find.insert_text_at_cursor("z" * (FIND_MAX - TYPED // 2))
        await pilot.press(*["z"] * TYPED)  # typed, key by key, half of them past the cap
        assert len(find.value) == FIND_MAX
        for _ in range(INSERTED):
            find.insert_text_at_cursor("q")
        await pilot.pause()
        assert len(find.value) == FIND_MAX
        assert max(compiled) <= FIND_MAX and len(compiled) <= TYPED + 10  # refused: no work
        await pilot.press("escape")
        assert screen.query_one("#find-input", Input).value == "z" * FIND_MAX  # nothing lost
