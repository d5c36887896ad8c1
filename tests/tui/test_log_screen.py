"""The log screen as an operator meets it: real ScaleClient and LogFollower, Scale's log semantics.

The one fake Scale (tests/fakes.py) answers the two endpoints the screen uses exactly as real
Scale does (docs/scale.md §5): ``started`` inclusive, at most 10,000 lines per answer sorted by
``(@timestamp, scale_order_num)``, 204 when nothing matches or the execution has not started.
Polls are woken by hand (``r``) with a long interval, so no test depends on the clock.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input

from scale_tui.core import log_search
from scale_tui.screens import log as log_screen
from scale_tui.screens.log import LogScreen
from scale_tui.widgets.log.find import FindBar
from scale_tui.widgets.log.view import LogView
from tests.fakes import BAD_UTF8, FakeScale
from tests.pilot import HostApp, wait_until
from tests.tui.conftest import plain_text


def log_scale(*, status: str = "RUNNING", started: bool = True) -> FakeScale:
    """The fake Scale with one execution (id 41, job 9 exe 1) and its (empty) log."""
    scale = FakeScale()
    scale.execution(41, job_id=9, exe_num=1, status=status, started=started)
    return scale


def status_text(screen: LogScreen) -> str:
    return str(screen.query_one("#log-status").render())


def messages(view: LogView) -> list[str]:
    return [line.message for line in view.buffer]


def open_log(scale: FakeScale, *, known_end: bool = True, **kwargs) -> tuple[HostApp, LogScreen]:
    ids = {"job_id": 9, "exe_num": 1} if known_end else {}
    screen = LogScreen(41, **ids)
    screen.poll_interval = 3600  # polls happen when a test presses r, never on a timer
    return HostApp(scale.client(), screen, **kwargs), screen


# -- loading and following -------------------------------------------------------------------


async def test_fifty_thousand_lines_load_with_none_lost_or_repeated():
    scale = log_scale(status="COMPLETED")
    # 7 lines per millisecond: every 10,000-line answer ends inside a shared timestamp
    scale.write((f"tile {i}" for i in range(50_000)), per_ms=7)
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        assert messages(screen.view) == [f"tile {i}" for i in range(50_000)]
        starts = [r.url.params.get("started") for r in scale.log_requests]
        assert starts[0] is None and len(starts) >= 6  # paged forward past the cap
        assert "log complete (COMPLETED)" in status_text(screen)


async def test_new_lines_follow_pause_on_scroll_up_and_resume_on_end():
    scale = log_scale()
    scale.write(f"first {i}" for i in range(100))
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        view = screen.view
        await wait_until(pilot, lambda: view.buffer.total == 100)
        assert view.is_vertical_scroll_end and view.following

        scale.write(f"second {i}" for i in range(10))
        await pilot.press("r")
        await wait_until(pilot, lambda: view.buffer.total == 110)
        await pilot.pause()
        assert view.is_vertical_scroll_end  # at the bottom: new lines come into view

        await pilot.press("pageup")
        await wait_until(pilot, lambda: not view.following)
        await wait_until(pilot, lambda: not app.animator.is_being_animated(view, "scroll_y"))
        top = view.scroll_y
        scale.write(f"third {i}" for i in range(25))
        await pilot.press("r")
        await wait_until(pilot, lambda: view.buffer.total == 135)
        await pilot.pause()
        assert view.scroll_y == top  # the lines being read stay put
        assert "paused · 25 new lines · End or f resumes" in status_text(screen)

        await pilot.press("end")
        await pilot.pause()
        assert view.following and view.is_vertical_scroll_end
        assert "paused" not in status_text(screen)

        await pilot.press("f")  # pause where we are, to read while lines arrive
        scale.write(f"fourth {i}" for i in range(3))
        await pilot.press("r")
        await wait_until(pilot, lambda: view.buffer.total == 138)
        assert "paused · 3 new lines" in status_text(screen)
        await pilot.press("f")
        await pilot.pause()
        assert view.following and view.is_vertical_scroll_end


async def test_polling_stops_when_the_execution_has_ended_and_nothing_is_new():
    scale = log_scale()
    scale.write(["working"])
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.view.buffer.total == 1)
        scale.write(["last words"], stream="stderr")
        scale.executions[41].status = "FAILED"
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.view.buffer.total == 2)
        assert screen.tail.phase == "following"  # lines came: not over until a poll brings none
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        assert messages(screen.view) == ["working", "last words"]
        assert "log complete (FAILED)" in status_text(screen)
        polls = len(scale.log_requests)
        await pilot.press("r")
        await pilot.pause(0.05)
        assert len(scale.log_requests) == polls  # the worker has stopped


async def test_a_204_before_the_execution_starts_says_waiting():
    scale = log_scale(started=False)
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: len(scale.log_requests) >= 1)
        await pilot.pause()
        assert status_text(screen).startswith("waiting for the execution to start")
        scale.executions[41].started = True
        scale.write(["hello"])
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.view.buffer.total == 1)
        assert status_text(screen).startswith("following (RUNNING)")


async def test_network_errors_show_back_off_and_keep_every_line():
    scale = log_scale()
    scale.write(f"kept {i}" for i in range(30))
    app, screen = open_log(scale, known_end=False)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.view.buffer.total == 30)
        scale.down = True
        await pilot.press("r")
        await wait_until(pilot, lambda: "error:" in status_text(screen))
        assert "retrying in 2 s" in status_text(screen)  # the one schedule: 2 s, doubling,
        await pilot.press("r")
        await wait_until(pilot, lambda: "retrying in 4 s" in status_text(screen))
        await pilot.press("r")  # ... capped at the refresh interval (5 s), never 16 or 30 s
        await wait_until(pilot, lambda: "retrying in 5 s" in status_text(screen))
        header = plain_text(screen.query_one("#header"))
        assert "offline: retrying in 5 s" in header and "stale since" in header
        assert messages(screen.view) == [f"kept {i}" for i in range(30)]
        scale.down = False
        scale.write(["after the outage"])
        await pilot.press("r")
        await wait_until(pilot, lambda: screen.view.buffer.total == 31)
        assert "error" not in status_text(screen)
        assert "● live" in plain_text(screen.query_one("#header"))
        assert messages(screen.view)[-1] == "after the outage"


async def test_an_unknown_execution_stops_polling_and_says_so():
    scale = log_scale()
    app = HostApp(scale.client(), LogScreen(404))
    async with app.run_test(size=(100, 20)) as pilot:
        screen = app.screen
        await wait_until(pilot, lambda: screen.tail.phase == "stopped")
        assert "Not found" in status_text(screen)
        assert "retrying" not in status_text(screen)


async def test_lines_beyond_ten_thousand_at_one_instant_are_reported_missing():
    scale = log_scale(status="COMPLETED")
    scale.write((f"same instant {i}" for i in range(10_005)), per_ms=20_000)
    scale.write(["a later line"])  # 10,005th: next millisecond
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        assert messages(screen.view)[:2] == ["same instant 0", "same instant 1"]
        assert messages(screen.view)[-1] == "a later line"
        assert screen.view.buffer.total == 10_000 + 1  # what Scale can give
        assert "lines missing at 1 timestamp(s)" in status_text(screen)


# -- find, filter, streams -------------------------------------------------------------------


def numbered_log() -> FakeScale:
    scale = log_scale(status="COMPLETED")
    for i in range(200):
        scale.write([f"step {i} {'ERROR disk full' if i % 20 == 3 else 'ok'}"],
                    stream="stderr" if i % 20 == 3 else "stdout")
    return scale


async def test_find_highlights_counts_and_steps_through_matches():
    app, screen = open_log(numbered_log())
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        screen.view.scroll_to(y=0, animate=False, immediate=True)  # the top, no animation
        await pilot.press("slash", *"disk full", "enter")
        await pilot.pause()
        view = screen.view
        assert view.rows.match_count == 10
        assert view.buffer[view.current_match].message == "step 3 ERROR disk full"
        assert "find 1/10" in status_text(screen)
        await pilot.press("n", "n")
        assert view.buffer[view.current_match].message == "step 43 ERROR disk full"
        await pilot.press("N")
        assert "find 2/10" in status_text(screen)
        assert not screen.query_one(FindBar).is_open


async def test_filter_shows_only_matching_lines_and_off_again():
    app, screen = open_log(numbered_log())
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("slash", *"ERROR", "escape", "ampersand")
        view = screen.view
        shown = [view.buffer[seq].message for seq in view.rows.shown()]
        assert len(shown) == 10 and all("ERROR" in m for m in shown)
        assert "filter on" in status_text(screen)
        await pilot.press("ampersand")
        assert view.rows.line_count == 200


async def test_bad_regex_is_reported_inline_and_the_pattern_kept():
    app, screen = open_log(numbered_log())
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("slash", "ctrl+r", *"step (")
        info = str(screen.query_one("#find-info").render())
        assert "bad regex" in info and "missing )" in info
        assert screen.query_one("#find-input").value == "step ("
        await pilot.press(")")
        assert "200 lines" in str(screen.query_one("#find-info").render())


async def test_a_too_slow_regex_is_reported_inline_and_the_screen_keeps_working(monkeypatch):
    monkeypatch.setattr(log_search, "SEARCH_BUDGET", 0.2)
    scale = numbered_log()
    scale.write(["a" * 60 + "b"])  # "(a|aa)+$" backtracks for ages on this line
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("slash", "ctrl+r", *"(a|aa)+$", "enter")
        await wait_until(pilot, lambda: "too slow" in str(
            screen.query_one("#find-info").render()))
        assert screen.query_one("#find-input").value == "(a|aa)+$"  # nothing typed is lost
        assert screen.view.rows.line_count == 201
        await pilot.press("slash", *["backspace"] * 8, *"disk", "enter")
        assert "10 lines" in str(screen.query_one("#find-info").render())


async def test_stream_key_shows_one_stream_without_a_request():
    scale = numbered_log()
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        requests = len(scale.log_requests)
        await pilot.press("s")  # stdout
        assert screen.view.rows.line_count == 190
        await pilot.press("s")  # stderr
        assert screen.view.rows.line_count == 10
        assert "stderr" in str(screen.query_one("#log-title").render())
        await pilot.press("s")  # combined
        assert screen.view.rows.line_count == 200
        assert len(scale.log_requests) == requests


# -- bounded, save, copy ---------------------------------------------------------------------


async def test_dropped_lines_are_announced_and_save_writes_what_is_kept(tmp_path, monkeypatch):
    monkeypatch.setenv("SCALE_TUI_DATA_DIR", str(tmp_path))
    scale = log_scale(status="COMPLETED")
    scale.write(f"n {i}" for i in range(2500))
    app, screen = open_log(scale, log_buffer=1000)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        banner = str(screen.query_one("#log-dropped").render())
        assert banner == "1,500 older lines dropped; save keeps the last 1,000"
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        saved = tmp_path / "execution-41-combined.log"
        await wait_until(pilot, saved.exists)
        assert saved.read_text().splitlines() == [f"n {i}" for i in range(1500, 2500)]


async def test_save_to_a_bad_path_says_why_and_keeps_the_typed_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    app, screen = open_log(numbered_log())
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("S")
        await pilot.pause()
        dialog = app.screen
        path_input = dialog.query_one("#save-path")
        path_input.value = f"{blocker}/under/a/file.log"
        await pilot.press("enter")
        await pilot.pause(0.1)
        assert app.screen is dialog
        assert "Not saved" in str(dialog.query_one("#save-error").render())
        assert path_input.value == f"{blocker}/under/a/file.log"


async def test_copy_sends_the_line_or_the_log_as_shown():
    scale = log_scale(status="COMPLETED")
    scale.write(["plain", "\x1b[2Jclear screen"])
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("c")
        assert app.clipboard == "␛[2Jclear screen"
        await pilot.press("C")
        assert app.clipboard == "plain\n␛[2Jclear screen"


async def test_a_megabyte_line_is_cut_on_screen_and_saved_whole(tmp_path, monkeypatch):
    monkeypatch.setenv("SCALE_TUI_DATA_DIR", str(tmp_path))
    huge = "0123456789" * 100_000
    scale = log_scale(status="COMPLETED")
    scale.write(["before", huge, "after"])
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        view = screen.view
        view.scroll_to(x=view.max_scroll_x, animate=False, immediate=True)
        await pilot.pause()
        row = "".join(seg.text for seg in view.render_line(1))
        assert row.rstrip().endswith("… (990,000 more chars)")
        assert view.max_scroll_x < 10_100  # the view is as wide as the cut line, not 1 MB
        await pilot.press("S")
        await pilot.pause()
        await pilot.press("enter")
        saved = tmp_path / "execution-41-combined.log"
        await wait_until(pilot, lambda: saved.exists() and saved.stat().st_size > 1_000_000)
        assert saved.read_text().splitlines() == ["before", huge, "after"]


async def test_bytes_that_are_not_utf8_show_as_replacement_characters():
    scale = log_scale(status="COMPLETED")
    scale.write(["ok", f"bad {BAD_UTF8} bytes", "still ok"])
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        assert messages(screen.view) == ["ok", "bad \ufffd\ufffd( bytes", "still ok"]
        row = "".join(seg.text for seg in screen.view.render_line(1))
        assert "bad \ufffd\ufffd( bytes" in row


# -- what reaches the terminal ---------------------------------------------------------------


def hostile_log() -> FakeScale:
    scale = log_scale(status="COMPLETED")
    scale.write([
        "[bold red]not bold[/] [link=http://evil.example]not a link[/link]",
        "\x1b[31mnot red\x1b[0m \x1b]0;pwned title\x07 \x1b]52;c;ZXZpbA==\x07",
        "col1\tcol2\tcol3 \x08\x9b2J bell\x07",
        "x" * 12_000,
    ])
    scale.write(["Traceback: stderr line with [i]markup[/i]"], stream="stderr")
    return scale


def test_markup_and_escapes_render_literally(snap_compare, frozen_clock):
    app, screen = open_log(hostile_log())

    async def loaded(pilot):
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("t")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(110, 16), run_before=loaded)


def test_paused_with_find_open_and_older_lines_dropped(snap_compare, frozen_clock):
    scale = log_scale()
    scale.write(f"early output {i}" for i in range(300))  # 300 of these fall off the buffer
    for i in range(1000):
        failing = i % 20 == 3
        scale.write([f"step {i} {'ERROR disk full' if failing else 'ok'}"],
                    stream="stderr" if failing else "stdout")
    app, screen = open_log(scale, log_buffer=1000)

    async def paused_on_a_match(pilot):
        view = screen.view
        # Every line in, laid out, and the follow done going to the end: on a busy machine each
        # of these can come a frame later than the lines, and each changes where find starts.
        await wait_until(pilot, lambda: view.buffer.total == 1300 and view.size.height > 0
                     and view.following and view.scroll_y == view.max_scroll_y > 900)
        await pilot.pause()
        # scrolled up to row 900, without an animation a busy machine might not finish
        view.scroll_to(y=900, animate=False, immediate=True)
        await wait_until(pilot, lambda: view.scroll_y == 900 and not view.following)
        await pilot.pause()
        assert view.scroll_y == 900  # nothing pending scrolled it back to the end
        await pilot.press("slash", *"disk full", "enter", "n", "slash")
        await wait_until(pilot, lambda: view.current_match is not None
                     and screen.query_one(FindBar).has_focus_within)
        for field in screen.query_one(FindBar).query(Input):
            field.cursor_blink = False  # the cursor drawn in every run, not half of them
        await pilot.pause()

    assert snap_compare(app, terminal_size=(100, 18), run_before=paused_on_a_match)


async def test_no_escape_byte_reaches_the_rendered_lines():
    app, screen = open_log(hostile_log())
    async with app.run_test(size=(110, 16)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        rendered = "".join(
            seg.text for y in range(5) for seg in screen.view.render_line(y)
        )
        assert "\x1b" not in rendered and "\x07" not in rendered and "\x9b" not in rendered
        assert "[bold red]not bold[/]" in rendered
        assert "… (2,000 more chars)" not in rendered  # scrolled off to the right at x=0
        assert max(len(seg.text) for y in range(5) for seg in screen.view.render_line(y)) <= 110


@pytest.mark.parametrize("width", [60, 110])
async def test_wrap_shows_a_long_line_on_several_rows(width):
    scale = log_scale(status="COMPLETED")
    scale.write(["short", "y" * 300])
    app, screen = open_log(scale)
    async with app.run_test(size=(width, 16)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("w")
        rows = screen.view.rows
        text_width = rows.wrap_width
        assert rows.row_count == 1 + -(-300 // text_width)
        drawn = "".join(
            seg.text for y in range(rows.row_count) for seg in screen.view.render_line(y)
        )
        assert drawn.count("y") == 300


async def test_a_big_buffer_is_searched_when_typing_pauses_and_enter_does_not_wait(
    monkeypatch,
):
    monkeypatch.setattr(log_screen, "_TYPING_PAUSE", 3600)  # the pause never comes by itself
    scale = log_scale(status="COMPLETED")
    scale.write(f"row {i} {'needle' if i % 1000 == 0 else 'hay'}" for i in range(30_000))
    app, screen = open_log(scale)
    async with app.run_test(size=(100, 20)) as pilot:
        await wait_until(pilot, lambda: screen.tail.phase == "complete")
        await pilot.press("slash", *"needle")
        assert screen.view.rows.match_count == 0  # not searched on every keystroke
        await pilot.press("enter")
        assert screen.view.rows.match_count == 30
        assert screen.view.buffer[screen.view.current_match].message.endswith("needle")
