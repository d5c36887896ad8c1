"""A whole number in text is ASCII digits: Unicode digits neither crash a reader nor become ids.

``"²".isdigit()`` is true and ``int("²")`` raises; ``int("١٢")`` is 12. Each reader of a number
from text (typed ids, script arguments, a server's versions and Content-Length) uses one rule.
"""

from __future__ import annotations

import argparse

import pytest

from scale_tui.api import InvalidFilter
from scale_tui.api.job_types import version_key
from scale_tui.api.numbers import whole_number
from scale_tui.core.filter_form import parse_ids
from scale_tui.scripts.arguments import positive_int

ODD = ["²", "\u0661\u0662", "1_000", " 7", "+3", "\u0663", "①", "0x1f", ""]  # ١٢, ٣


def test_only_ascii_digits_are_whole_numbers():
    assert whole_number("007") == 7
    assert whole_number("2147483648") == 2147483648
    for text in ODD:
        assert whole_number(text) is None, text


@pytest.mark.parametrize("text", [t for t in ODD if t.strip() == t and t])
def test_typed_ids_name_the_odd_value_instead_of_crashing_or_reading_it(text):
    with pytest.raises(InvalidFilter, match="batch id must be whole numbers"):
        parse_ids(f"12, {text}", "batch id")


@pytest.mark.parametrize("text", ["²", "\u0661\u0662", "1_000", "-5", "0"])
def test_script_ids_refuse_odd_digits_with_a_message(text):
    with pytest.raises(argparse.ArgumentTypeError, match="whole number"):
        positive_int(text)
    assert positive_int("42") == 42


def test_a_server_version_with_odd_digits_sorts_instead_of_crashing():
    versions = ["1.²", "1.10.0", "1.9.0", "\u0661.\u0662"]
    ordered = sorted(versions, key=version_key)
    assert ordered.index("1.9.0") < ordered.index("1.10.0")
    assert set(ordered) == set(versions)
