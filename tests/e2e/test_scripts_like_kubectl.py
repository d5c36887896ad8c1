"""Issue 12 findings 7 and 8 through the real command line against a stub on loopback: `jobs`
lists newest first, ids are checked locally, and cancel/requeue of jobs that do not exist (or a
filter that matches nothing) exits non-zero with nothing sent; every --help states its exit
codes."""

from __future__ import annotations

import csv
import io
import json

import httpx
import pytest

from server_stub.runner import StubServer
from tests.e2e.cli_run import Cli, forget_requests, requests_seen


@pytest.fixture(scope="module")
def stub():
    with StubServer(jobs=120, seed=5, simulate=False) as server:
        yield server.url


@pytest.fixture
def cli(tmp_path, stub):
    forget_requests(stub)
    return Cli(tmp_path)


def posts(url: str) -> list[dict]:
    return [r for r in requests_seen(url) if r["method"] == "POST"]


def newest(url: str, **query) -> list[int]:
    params = {**query, "order": "-last_modified", "page_size": 1000}
    return [j["id"] for j in httpx.get(f"{url}/v6/jobs/", params=params).json()["results"]]


# ---- finding 7: newest first, --order, --output


def test_jobs_lists_newest_first_by_default(cli, stub):
    result = cli("--url", stub, "jobs", "--status", "FAILED", "--page-size", "5", "-o", "json")
    assert result.returncode == 0, result.stderr
    sent = requests_seen(stub)[0]  # the command's own request, before the checks below
    assert sent["path"] == "/v6/jobs/" and ["order", "-last_modified"] in sent["query"]
    listed = [j["id"] for j in json.loads(result.stdout)["results"]]
    assert listed == newest(stub, status="FAILED")[:5]
    stamps = [j["last_modified"] for j in json.loads(result.stdout)["results"]]
    assert stamps == sorted(stamps, reverse=True)


def test_order_flag_replaces_the_default(cli, stub):
    result = cli("--url", stub, "jobs", "--order", "id", "--page-size", "5", "-o", "json")
    assert result.returncode == 0, result.stderr
    ids = [j["id"] for j in json.loads(result.stdout)["results"]]
    assert ids == sorted(ids) and ids[0] == 1


def test_table_wide_and_csv_outputs(cli, stub):
    table = cli("--url", stub, "jobs", "--page-size", "3")
    wide = cli("--url", stub, "jobs", "--page-size", "3", "-o", "wide")
    data = cli("--url", stub, "jobs", "--page-size", "3", "-o", "csv")
    assert table.returncode == wide.returncode == data.returncode == 0
    assert table.stdout.splitlines()[0].split()[:2] == ["ID", "STATUS"]
    assert "NODE" not in table.stdout.splitlines()[0]
    assert all(word in wide.stdout.splitlines()[0] for word in ("NODE", "STARTED", "ENDED"))
    rows = list(csv.reader(io.StringIO(data.stdout)))
    assert rows[0][:2] == ["ID", "STATUS"] and len(rows) == 4
    assert [int(r[0]) for r in rows[1:]] == newest(stub)[:3]
    assert rows[1][8].endswith("Z")  # LAST MODIFIED as ISO-8601 UTC


# ---- finding 8: ids checked locally; nothing to act on is an error


@pytest.mark.parametrize("argv", [["job", "-5"], ["job", "0"], ["cancel", "--job", "-1", "--yes"],
                                  ["log", "--job", "x"], ["jobs", "--batch", "0"],
                                  ["requeue", "--job", "1", "--priority", "0", "--yes"]])
def test_ids_are_checked_before_any_request(cli, stub, argv):
    result = cli("--url", stub, *argv)
    assert result.returncode == 2
    assert "must be a" in result.stderr and "whole number" in result.stderr
    assert requests_seen(stub) == []


def test_requeue_of_a_job_that_does_not_exist_exits_3_and_sends_nothing(cli, stub):
    result = cli("--url", stub, "requeue", "--job", "999999", "--yes")
    assert result.returncode == 3
    assert result.stderr.strip() == "scale-tui requeue: no job 999999 on this server; nothing " \
                                    "was sent"
    assert posts(stub) == []


def test_one_missing_id_among_several_sends_nothing(cli, stub):
    result = cli("--url", stub, "cancel", "--job", "1", "--job", "999998", "--yes")
    assert result.returncode == 3 and "no job 999998" in result.stderr
    assert posts(stub) == []


def test_a_filter_matching_nothing_exits_3_and_sends_nothing(cli, stub):
    result = cli("--url", stub, "cancel", "--job-type", "no-such-type", "--yes")
    assert result.returncode == 3
    assert "no job matches job type no-such-type; nothing was sent" in result.stderr
    assert posts(stub) == []


def test_cancel_of_only_final_jobs_changes_nothing_so_exits_3(cli, stub):
    result = cli("--url", stub, "cancel", "--status", "COMPLETED", "--yes")
    assert result.returncode == 3 and "Cancels nothing." in result.stderr
    assert posts(stub) == []


def test_cancel_of_a_job_that_exists_is_sent_by_id(tmp_path):
    """The control, on a stub of its own (it changes data)."""
    with StubServer(jobs=60, seed=5, simulate=False) as server:
        running = httpx.get(f"{server.url}/v6/jobs/", params={"status": "RUNNING"}).json()
        job_id = running["results"][0]["id"]
        result = Cli(tmp_path)("--url", server.url, "cancel", "--job", str(job_id), "--yes",
                               "-o", "json")
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout)["requests"] == [{"job_ids": [job_id]}]
        assert [p["body"] for p in posts(server.url)] == [{"job_ids": [job_id]}]


@pytest.mark.parametrize("command", ["jobs", "job", "log", "cancel", "requeue", "triage",
                                     "config"])
def test_every_subcommand_documents_its_exit_codes(cli, command):
    result = cli(command, "--help")
    assert result.returncode == 0
    help_text = result.stdout
    assert "exit status:" in help_text
    codes = [line.split()[0] for line in help_text.split("exit status:")[1].splitlines()
             if line.strip()]
    assert "0" in codes and "2" in codes
