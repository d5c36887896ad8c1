"""`scale-tui triage` against the stub, checked against `scale-tui jobs` listing the same window:
every group's count is the number of failed jobs the plain job list shows with that group's
keys. Both are real `scale-tui` processes; the stub's data is live (times near now, so `7d`
means something) with its simulator stopped, so nothing changes between the two commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def live_stub():
    from server_stub.runner import StubServer

    with StubServer(jobs=2000, seed=3, simulate=True) as server:
        server.state.simulator.stop()  # live timestamps, no changes while we compare
        yield server.url


def scale_tui(url: str, *args: str, tmp_path: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SCALE_TUI_CONFIG_DIR": str(tmp_path / "c"),
           "SCALE_TUI_STATE_DIR": str(tmp_path / "s")}
    return subprocess.run([sys.executable, "-m", "scale_tui.cli", *args, "--url", url],
                          capture_output=True, text=True, env=env, timeout=120, cwd=ROOT)


def listed_failures(url: str, tmp_path: Path) -> list[dict]:
    done = scale_tui(url, "jobs", "--status", "FAILED", "--since", "7d", "--superseded", "no",
                     "--all", "--page-size", "1000", "--output", "json", tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)["results"]


def triage_groups(url: str, by: str | None, tmp_path: Path) -> list[dict]:
    args = ["triage", "--since", "7d", "--output", "json"] + (["--by", by] if by else [])
    done = scale_tui(url, *args, tmp_path=tmp_path)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _id(value: dict | None) -> int | None:
    return value["id"] if value else None


def test_triage_counts_equal_the_failed_job_list_group_by_group(live_stub, tmp_path):
    jobs = listed_failures(live_stub, tmp_path)
    assert len(jobs) > 20  # the comparison means something
    groups = triage_groups(live_stub, None, tmp_path)
    expected = Counter((_id(j["error"]), _id(j["job_type"])) for j in jobs)
    got = {(_id(g["error"]), _id(g["job_type"])): g["count"] for g in groups}
    assert got == dict(expected)
    assert [g["count"] for g in groups] == sorted((g["count"] for g in groups), reverse=True)
    by_id = {j["id"]: j for j in jobs}
    for group in groups:  # the example is one of the group's own jobs
        example = by_id[group["example_job_id"]]
        assert (_id(example["error"]), _id(example["job_type"])) == (
            _id(group["error"]), _id(group["job_type"]))


@pytest.mark.parametrize(("by", "key"), [
    ("node", lambda j: _id(j.get("node"))),
    ("category", lambda j: (j.get("error") or {}).get("category")),
])
def test_other_groupings_match_the_list_too(live_stub, tmp_path, by, key):
    jobs = listed_failures(live_stub, tmp_path)
    groups = triage_groups(live_stub, by, tmp_path)
    field = "node" if by == "node" else "category"
    got = {(_id(g[field]) if by == "node" else g[field]): g["count"] for g in groups}
    assert got == dict(Counter(key(j) for j in jobs))


def test_nothing_failed_is_an_empty_list_and_exit_0(live_stub, tmp_path):
    done = scale_tui(live_stub, "triage", "--since", "2020-01-01T00:00Z/2020-01-02T00:00Z",
                     "--output", "json", tmp_path=tmp_path)
    assert (done.returncode, json.loads(done.stdout)) == (0, [])
