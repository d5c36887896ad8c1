"""The log screen's pure parts: sanitising, search patterns, the bounded buffer, rows, save."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scale_tui.api import LogLine
from scale_tui.core import log_search
from scale_tui.core.log_buffer import MESSAGE, LogBuffer
from scale_tui.core.log_search import LogPattern, PatternTooSlow
from scale_tui.core.log_status import TailState, dropped_notice
from scale_tui.core.sanitize import MAX_LINE_CHARS, clip, printable
from scale_tui.screens.save_log import resolve_save_path, write_log
from scale_tui.widgets.log.rows import LogRows, rows_needed

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def line(i: int, message: str | None = None, stream: str = "stdout") -> LogLine:
    return LogLine(T0 + timedelta(seconds=i), 0, stream, message or f"line {i}")


# -- sanitising ------------------------------------------------------------------------------


def test_escape_sequences_become_visible_text():
    assert printable("\x1b[31mred\x1b[0m") == "␛[31mred␛[0m"
    assert printable("\x1b]52;c;ZXZpbA==\x07") == "␛]52;c;ZXZpbA==␇"  # OSC 52 clipboard write
    assert printable("a\x9b2Jb") == "a\\x9b2Jb"  # single-byte CSI (C1)
    assert printable("x\x00y\x7fz") == "x␀y␡z"


def test_bidi_overrides_and_line_separators_are_shown_not_obeyed():
    assert printable("abc\u202edef") == "abc\\u202edef"
    assert printable("one\u2028two") == "one\\u2028two"


def test_tabs_expand_and_crlf_endings_do_not_show():
    assert printable("a\tb") == "a       b"
    assert printable("done\r") == "done"
    assert printable("50%\r100%") == "50%␍100%"


def test_markup_is_left_alone_for_literal_display():
    assert printable("[bold red]boom[/] [link=http://x]y[/link]") == (
        "[bold red]boom[/] [link=http://x]y[/link]"
    )


@given(st.text(alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"])))
def test_no_control_character_survives(text):
    shown = printable(text)
    assert not any(ord(c) < 0x20 or 0x7F <= ord(c) <= 0x9F for c in shown)
    assert not any(0x202A <= ord(c) <= 0x202E or 0x2066 <= ord(c) <= 0x2069 for c in shown)


def test_a_megabyte_line_is_cut_for_display_with_a_count():
    shown, hidden = clip(printable("x" * 1_000_000))
    assert len(shown) == MAX_LINE_CHARS
    assert hidden == 1_000_000 - MAX_LINE_CHARS
    assert clip("short") == ("short", 0)


# -- patterns --------------------------------------------------------------------------------


def test_plain_text_is_literal_and_smart_case():
    pattern = LogPattern.compile("file.py[3]")
    assert pattern.matches("error in FILE.PY[3]")
    assert not pattern.matches("error in fileXpy3")
    exact = LogPattern.compile("Error")
    assert exact.matches("Error here") and not exact.matches("error here")


def test_regex_mode_and_highlight_spans():
    pattern = LogPattern.compile(r"tile \d+", regex=True)
    assert pattern.spans("tile 1 and tile 22") == [(0, 6), (11, 18)]
    assert LogPattern.compile("x*", regex=True).spans("abc") == []  # empty matches not drawn


def test_bad_regex_is_reported_with_the_text_kept():
    pattern = LogPattern.compile("tile (", regex=True)
    assert not pattern.active
    assert pattern.text == "tile ("
    assert pattern.error is not None and "missing )" in pattern.error
    assert LogPattern.compile("tile (").active  # the same text is fine as plain text


def test_a_regex_that_backtracks_without_end_gives_up_in_time(monkeypatch):
    monkeypatch.setattr(log_search, "SEARCH_BUDGET", 0.2)
    pattern = LogPattern.compile(r"(a|aa)+$", regex=True)  # exponential on "aaa...ab"
    started = time.monotonic()
    with pytest.raises(PatternTooSlow):
        pattern.matching(["ok"] * 10 + ["a" * 60 + "b"])
    assert time.monotonic() - started < 2
    assert pattern.spans("a" * 60 + "b") == []  # drawn without highlight, not hung
    assert pattern.matching(["aa", "ab"]) == [0]  # harmless lines still match


def test_rows_set_a_too_slow_regex_aside_and_show_every_line(monkeypatch):
    monkeypatch.setattr(log_search, "SEARCH_BUDGET", 0.2)
    slow = LogPattern.compile(r"(a|aa)+$", regex=True)
    buffer = LogBuffer(1000)
    buffer.extend(line(i) for i in range(20))
    rows = LogRows(buffer)
    rows.pattern, rows.filtering = slow, True
    rows.rebuild()
    assert rows.line_count == 0 and rows.pattern is slow  # nothing matches, in good time
    rows.extend(buffer.extend([line(20, "a" * 60 + "b")]))  # then the slow line arrives
    assert rows.line_count == 21  # filter off: every line is shown again
    assert not rows.pattern.active and "too slow" in rows.pattern.error
    assert rows.pattern.text == slow.text
    rows.pattern = slow
    rows.rebuild()
    assert rows.line_count == 21 and rows.pattern.error


# -- buffer and rows -------------------------------------------------------------------------


def test_buffer_keeps_the_newest_lines_and_counts_the_dropped():
    buffer = LogBuffer(1000)
    new = buffer.extend(line(i) for i in range(2500))
    assert (len(buffer), buffer.dropped, buffer.total) == (1000, 1500, 2500)
    assert new == range(1500, 2500)
    assert buffer[1500].message == "line 1500"
    assert 1499 not in buffer
    assert [seq for seq, _ in buffer.items(2490)] == list(range(2490, 2500))
    assert next(iter(buffer.items(1600)))[1][MESSAGE] == "line 1600"


def test_a_burst_larger_than_the_buffer_keeps_its_tail():
    buffer = LogBuffer(1000)
    buffer.extend([line(i) for i in range(10)])
    new = buffer.extend([line(i) for i in range(10, 5010)])
    assert new == range(4010, 5010)
    assert next(iter(buffer)).message == "line 4010"


def test_rows_follow_the_buffer_as_it_drops_lines():
    buffer = LogBuffer(1000)
    rows = LogRows(buffer)
    rows.rebuild()
    for start in range(0, 20_000, 700):
        rows.extend(buffer.extend(line(i) for i in range(start, start + 700)))
    assert rows.line_count == 1000
    assert rows.locate(0) == (20_300 - 1000, 0)
    assert rows.shown() == list(range(19_300, 20_300))


def test_stream_and_filter_choose_the_shown_lines():
    buffer = LogBuffer(1000)
    buffer.extend(line(i, stream="stderr" if i % 4 == 0 else "stdout") for i in range(100))
    rows = LogRows(buffer)
    rows.stream = "stderr"
    rows.rebuild()
    assert rows.line_count == 25
    rows.stream, rows.pattern, rows.filtering = None, LogPattern.compile("line 1"), True
    rows.rebuild()
    shown = [buffer[s].message for s in rows.shown()]
    assert shown == ["line 1"] + [f"line {i}" for i in range(10, 20)]


def test_matches_step_forward_and_back_around_the_ends():
    buffer = LogBuffer(1000)
    buffer.extend(line(i) for i in range(100))
    rows = LogRows(buffer)
    rows.pattern = LogPattern.compile("line 5")
    rows.rebuild()
    assert rows.match_count == 11
    assert rows.next_match(-1) == 5
    assert rows.next_match(5) == 50
    assert rows.next_match(59) == 5  # wraps to the first
    assert rows.next_match(5, backwards=True) == 59  # wraps to the last
    assert rows.match_position(50) == 2
    assert rows.match_position(6) == 0


def test_wrapped_rows_map_back_to_lines():
    buffer = LogBuffer(1000)
    buffer.extend([line(0, "a" * 25), line(1, "b"), line(2, "c" * 10)])
    rows = LogRows(buffer)
    rows.wrap_width = 10
    rows.rebuild()
    assert rows.row_count == 3 + 1 + 1
    assert [rows.locate(r) for r in range(5)] == [(0, 0), (0, 1), (0, 2), (1, 0), (2, 0)]
    assert rows.row_of(2) == 4
    # a megabyte line wraps to the capped 10,000 cells plus " … (990,000 more chars)"
    assert rows_needed("x" * 1_000_000, 100) == 101


# -- save and status -------------------------------------------------------------------------


def test_save_writes_messages_verbatim(tmp_path):
    lines = [line(0, "\x1b[31mred\x1b[0m"), line(1, "[bold]x[/]", "stderr")]
    path = tmp_path / "sub" / "out.log"
    assert write_log(path, lines) == 2
    assert path.read_text() == "\x1b[31mred\x1b[0m\n[bold]x[/]\n"
    write_log(path, lines, timestamps=True)
    assert path.read_text().splitlines()[1] == "2026-01-01T00:00:01+00:00 stderr [bold]x[/]"


def test_save_path_names_a_directory_or_a_file(tmp_path):
    assert resolve_save_path(str(tmp_path), "e.log") == tmp_path / "e.log"
    assert resolve_save_path(f"{tmp_path}/x.txt", "e.log") == tmp_path / "x.txt"
    with pytest.raises(ValueError, match="type a file path"):
        resolve_save_path("  ", "e.log")


def test_status_words():
    assert TailState(phase="waiting").describe() == "waiting for the execution to start"
    paused = TailState(phase="following", following=False, pending=3, execution_status="RUNNING")
    assert paused.describe() == "following (RUNNING) · paused · 3 new lines · End or f resumes"
    assert TailState(phase="complete", execution_status="FAILED").describe() == (
        "log complete (FAILED)"
    )
    assert dropped_notice(12_345, 100_000, "combined") == (
        "12,345 older lines dropped; save keeps the last 100,000"
    )
    assert dropped_notice(0, 10, "combined") == ""


@pytest.mark.parametrize("regex", [False, True])
def test_matching_many_lines_agrees_with_matching_each(regex):
    messages = [f"tile {i} band B{i % 11}" + ("\tERROR" if i % 7 == 0 else "") for i in range(3000)]
    messages += ["", "band b4 at the very end", "Ünïcode band b4 line"]
    for text in ("band b4", "BAND B4", "error", r"b4\s", r"\d{3} band", "^tile 1", "ERROR$",
                 r"\Atile", r"(?<=tile )1\d\b", r"[^x]+b4"):
        pattern = LogPattern.compile(text, regex=regex)
        if pattern.active:
            expected = [i for i, m in enumerate(messages) if pattern.matches(m)]
            assert pattern.matching(messages) == expected, text


def test_a_regex_spanning_two_lines_does_not_match_or_hide_the_next():
    pattern = LogPattern.compile(r"a\s+b", regex=True)
    assert pattern.matching(["xa", "b and a b", "zzz"]) == [1]
