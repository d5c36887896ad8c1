"""Last filters per profile survive a restart; a corrupt state file is not fatal."""

from __future__ import annotations

from scale_tui.core import locations
from scale_tui.core.state import load_last_filter, save_last_filter


def test_last_filter_round_trips_per_profile():
    save_last_filter("prod", {"status": ["FAILED"], "window": "24h"})
    save_last_filter("lab", {"status": []})
    assert load_last_filter("prod") == {"status": ["FAILED"], "window": "24h"}
    assert load_last_filter("lab") == {"status": []}
    assert load_last_filter("other") is None


def test_saving_one_profile_keeps_the_others():
    save_last_filter("prod", {"a": 1})
    save_last_filter("prod", {"a": 2})
    save_last_filter("lab", {"b": 1})
    assert load_last_filter("prod") == {"a": 2}


def test_corrupt_state_file_reads_as_nothing_and_is_replaced_on_save():
    path = locations.last_filters_file()
    path.parent.mkdir(parents=True)
    path.write_text('{"prod": {"status": ["FAI')
    assert load_last_filter("prod") is None
    save_last_filter("prod", {"status": ["RUNNING"]})
    assert load_last_filter("prod") == {"status": ["RUNNING"]}


def test_write_leaves_no_temporary_files():
    save_last_filter("prod", {"a": 1})
    assert [p.name for p in locations.state_dir().iterdir()] == ["last-filters.json"]


def test_data_that_is_not_json_is_not_saved_and_does_not_destroy_the_file():
    save_last_filter("prod", {"a": 1})
    save_last_filter("prod", {"a": object()})
    assert load_last_filter("prod") == {"a": 1}
