"""The one boundary (scale_tui/core/sanitize.py): every server string becomes inert display text."""

from __future__ import annotations

import json
import sys
import unicodedata

from hypothesis import given
from hypothesis import strategies as st

from scale_tui.core.sanitize import (
    MAX_FIELD_CHARS,
    MAX_LINE_CHARS,
    UNSAFE,
    display_line,
    display_text,
    is_inert,
    json_text,
    more_marker,
)

INVISIBLE = {"Cc", "Cf", "Cs", "Zl", "Zp"}


def test_every_invisible_category_is_escaped():
    """The hard-coded class in sanitize.py matches this Python's Unicode database exactly."""
    missing, extra = [], []
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        invisible = unicodedata.category(char) in INVISIBLE and char != "\t"
        matched = UNSAFE.fullmatch(char) is not None
        if invisible and not matched:
            missing.append(hex(code))
        elif matched and not invisible:
            extra.append(hex(code))
    assert missing == [] and extra == []


def test_terminal_escapes_show_as_control_pictures():
    assert display_text("\x1b]0;pwned\x07") == "␛]0;pwned␇"  # OSC 0: window title
    assert display_text("\x1b]52;c;ZXZpbA==\x1b\\") == "␛]52;c;ZXZpbA==␛\\"  # OSC 52 clipboard
    assert display_text("\x1b]8;;http://evil\x1b\\x\x1b]8;;\x1b\\") == (
        "␛]8;;http://evil␛\\x␛]8;;␛\\")  # OSC 8 hyperlink
    assert display_text("\x1b[2J\x1bP1$r\x1b\\") == "␛[2J␛P1$r␛\\"  # CSI 2J, DCS


def test_c1_bidi_zero_width_and_surrogates_show_as_escapes():
    assert display_text("a\x9b2Jb\x9d0;t\x9c") == "a\\x9b2Jb\\x9d0;t\\x9c"
    assert display_text("abc\u202edcba") == "abc\\u202edcba"
    assert display_text("\u2066x\u2069\u200e\u200f\u061c") == (
        "\\u2066x\\u2069\\u200e\\u200f\\u061c")
    assert display_text("a\u200bb\u200cc\u200dd\u2060e\ufefff") == (
        "a\\u200bb\\u200cc\\u200dd\\u2060e\\ufefff")
    assert display_text("x\udc80y") == "x\\udc80y"
    assert display_text("tag\U000e0041") == "tag\\U000e0041"


def test_newlines_are_escaped_unless_the_surface_shows_lines():
    assert display_text("one\ntwo") == "one␊two"
    assert display_text("one\ntwo\x1b", newlines=True) == "one\ntwo␛"


def test_markup_and_ordinary_text_stay_exactly_as_written():
    for text in ("[bold]x[/]", "[@click=app.quit]q[/]", "[/]", "größe 日本 👍", "a\tb"[:1]):
        assert display_text(text) == text


def test_none_and_non_strings():
    assert display_text(None) == ""
    assert display_text(42) == "42"


def test_long_text_is_cut_with_a_count_before_it_is_escaped():
    shown = display_text("\x1b" * 1_000_000)
    assert shown == "␛" * MAX_FIELD_CHARS + more_marker(1_000_000 - MAX_FIELD_CHARS)
    assert display_text("x" * 50, limit=10) == "x" * 10 + " … (40 more chars)"
    assert display_text("x" * 50, limit=None) == "x" * 50


def test_log_lines_cut_at_their_own_limit():
    shown, hidden = display_line("\x1b[31m" + "x" * 1_000_000)
    assert shown.startswith("␛[31m") and len(shown) == MAX_LINE_CHARS
    assert hidden == 1_000_005 - MAX_LINE_CHARS


@given(st.text())
def test_nothing_invisible_survives(text):
    shown = display_text(text, limit=None)
    assert is_inert(shown)
    assert not any(unicodedata.category(c) in INVISIBLE and c != "\t" for c in shown)


@given(st.recursive(st.none() | st.booleans() | st.integers() | st.text(),
                    lambda inner: st.lists(inner) | st.dictionaries(st.text(), inner),
                    max_leaves=20))
def test_json_text_is_exact_data_and_inert(data):
    text = json_text(data, indent=2)
    assert json.loads(text) == data
    assert is_inert(text.replace("\n", ""))


def test_json_text_keeps_readable_unicode():
    assert json_text({"name": "größe\u202e"}) == '{"name": "größe\\u202e"}'
    assert json_text(["\U000e0041"]) == '["\\udb40\\udc41"]'


def test_the_console_log_file_is_inert_too():
    import logging

    from scale_tui.cli import InertFormatter

    record = logging.LogRecord("scale_tui", logging.ERROR, __file__, 1,
                               "refresh failed: %s", ("detail \x1b]52;c;x\x07\u202e",), None)
    assert InertFormatter("%(message)s").format(record) == (
        "refresh failed: detail ␛]52;c;x␇\\u202e")
