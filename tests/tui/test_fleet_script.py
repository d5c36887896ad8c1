"""`scale-tui fleet`: one entry per profile, counts equal to each stub's own, exit 3 when a
cluster did not answer, and a hung cluster costs no more than its timeout."""

from __future__ import annotations

import json
import time

import httpx

from scale_tui import cli
from tests.tui.conftest import FROZEN_NOW
from tests.tui.fleet_fixtures import HUNG_TIMEOUT, fleet_urls, hung_url, write_config

__all__ = ["fleet_urls", "hung_url"]  # fixtures


def run_json(capsys) -> tuple[int, list[dict]]:
    code = cli.main(["fleet", "--output", "json"])
    return code, json.loads(capsys.readouterr().out)


def stub_count(url: str, query: str) -> int:
    """The stub's own `count` for a query written out by hand (not through JobFilter)."""
    return httpx.get(f"{url}/v6/jobs/?page_size=1&{query}").json()["count"]


def test_json_counts_equal_each_stubs_own_count(isolated, frozen_clock, fleet_urls, capsys):
    write_config(isolated, {"east": {"url": fleet_urls["east"]},
                            "west": {"url": fleet_urls["west"], "read_only": True}})
    code, entries = run_json(capsys)
    assert code == 0
    assert [e["profile"] for e in entries] == ["east", "west"]
    hour_ago = "2026-01-01T05:30:00Z"  # FROZEN_NOW - 1 h
    assert FROZEN_NOW.isoformat().startswith("2026-01-01T06:30:00")
    for entry in entries:
        url = fleet_urls[entry["profile"]]
        expected = {
            "RUNNING": stub_count(url, "status=RUNNING"),
            "QUEUED": stub_count(url, "status=QUEUED"),
            "FAILED_1h": stub_count(url, "status=FAILED&is_superseded=false"
                                         f"&started={hour_ago}&ended=2026-01-01T06:30:00Z"),
        }
        assert entry["counts"] == expected
        assert expected["FAILED_1h"] > 0  # the comparison is not 0 == 0
        assert entry["state"] == "live" and entry["error"] is None
        assert entry["version"] == httpx.get(f"{url}/v6/version/").json()["version"]
        assert entry["url"] == url and isinstance(entry["latency_ms"], float)
    assert [e["scheduler_paused"] for e in entries] == [False, True]
    assert [e["read_only"] for e in entries] == [False, True]


def test_exit_3_when_a_cluster_is_down_and_its_entry_says_why(isolated, fleet_urls, capsys):
    write_config(isolated, {"east": {"url": fleet_urls["east"]},
                            "lab": {"url": fleet_urls["lab"]}})
    code, entries = run_json(capsys)
    assert code == 3
    lab = entries[1]
    assert (lab["profile"], lab["state"], lab["counts"]["RUNNING"]) == ("lab", "offline", None)
    assert "Cannot reach" in lab["error"]


def test_returns_within_the_timeout_plus_2_s_when_a_cluster_never_answers(
        isolated, fleet_urls, hung_url, capsys):
    write_config(isolated, {"east": {"url": fleet_urls["east"]},
                            "hung": {"url": hung_url, "timeout": HUNG_TIMEOUT}})
    started = time.monotonic()
    code, entries = run_json(capsys)
    took = time.monotonic() - started
    assert took < HUNG_TIMEOUT + 2.0, took
    assert code == 3
    assert [e["state"] for e in entries] == ["live", "timeout"]


def test_table_names_every_profile_and_the_paused_scheduler(isolated, fleet_urls, capsys):
    write_config(isolated, {"east": {"url": fleet_urls["east"]},
                            "west": {"url": fleet_urls["west"], "read_only": True}})
    assert cli.main(["fleet"]) == 0
    captured = capsys.readouterr()
    lines = captured.out.splitlines()
    assert lines[0].split()[:4] == ["PROFILE", "STATE", "VERSION", "SCHEDULER"]
    assert lines[1].split()[:4] == ["east", "live", "7.0.0", "running"]
    assert lines[2].split()[:5] == ["west", "(read-only)", "live", "7.0.0", "PAUSED"]
    assert "2 of 2 live" in captured.err


def test_help_documents_the_exit_codes(capsys):
    try:
        cli.main(["fleet", "--help"])
    except SystemExit as exit:
        assert exit.code == 0
    text = capsys.readouterr().out
    assert "0  every cluster answered" in text and "3  some cluster did not answer" in text


def test_url_with_configured_profiles_is_refused(isolated, fleet_urls, capsys):
    write_config(isolated, {"east": {"url": fleet_urls["east"]}})
    assert cli.main(["--url", "http://127.0.0.1:9", "fleet"]) == 2
    assert "do not apply" in capsys.readouterr().err


def test_without_profiles_the_effective_profile_is_the_fleet(isolated, fleet_urls, capsys):
    assert cli.main(["--url", fleet_urls["west"], "fleet", "--output", "json"]) == 0
    entries = json.loads(capsys.readouterr().out)
    assert [(e["profile"], e["url"]) for e in entries] == [("default", fleet_urls["west"])]
