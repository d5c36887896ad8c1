"""`scale-tui jobs|job|log|cancel|requeue` against the stub: output, exit codes, and safety."""

from __future__ import annotations

import argparse
import io
import json

import httpx
import pytest

from scale_tui.core.config import Profile
from scale_tui.scripts import output as script_output
from scale_tui.scripts import subcommands as commands


def parse(argv: list[str]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="scale-tui")
    commands.add_parsers(parser.add_subparsers(dest="command"))
    return parser.parse_args(argv)


def run(url: str, *argv: str, **profile) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = commands.run(parse(list(argv)), Profile(url=url, **profile), out=out, err=err)
    return code, out.getvalue(), err.getvalue()


def posts(url: str) -> list[dict]:
    return [r for r in httpx.get(f"{url}/_stub/requests").json() if r["method"] == "POST"]


def api_count(url: str, **query) -> int:
    return httpx.get(f"{url}/v6/jobs/", params={**query, "page_size": 1}).json()["count"]


def test_jobs_json_lists_the_filtered_page(stub_url):
    code, out, err = run(stub_url, "jobs", "--status", "FAILED", "-o", "json")
    assert code == 0, err
    data = json.loads(out)
    assert data["count"] == api_count(stub_url, status="FAILED") > 0
    assert {job["status"] for job in data["results"]} == {"FAILED"}


def test_jobs_table_says_when_more_pages_exist(stub_url):
    code, out, err = run(stub_url, "jobs", "--page-size", "10")
    assert code == 0
    lines = out.splitlines()
    assert lines[0].split()[:3] == ["ID", "STATUS", "JOB"]
    assert len(lines) == 11
    assert "10 of 300 jobs (page 1); --all for every page" in err


def test_jobs_all_follows_every_page(stub_url):
    code, out, _ = run(stub_url, "jobs", "--all", "--page-size", "120", "-o", "json")
    assert code == 0
    assert len({job["id"] for job in json.loads(out)["results"]}) == 300


def test_comma_separated_statuses_become_repeated_filters(stub_url):
    code, out, _ = run(stub_url, "jobs", "--status", "failed,RUNNING", "-o", "json")
    assert code == 0
    expected = api_count(stub_url, status=["FAILED", "RUNNING"])
    assert json.loads(out)["count"] == expected


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["jobs", "--since", "P1W"], "weeks are not accepted"),
        (["jobs", "--status", "DONE"], "--status: unknown value 'DONE'"),
        (["jobs", "--page-size", "5000"], "--page-size: must be from 1 to 1000"),
        (["jobs", "--page-size", "0"], "--page-size: must be from 1 to 1000"),
        (["jobs", "--since", "2w"], "--since: weeks are not accepted"),
        (["log"], "give either an EXECUTION_ID or --job JOB_ID"),
    ],
)
def test_bad_input_exits_2_with_one_line(stub_url, argv, complaint):
    code, out, err = run(stub_url, *argv)
    assert code == 2
    assert complaint in err and len(err.strip().splitlines()) == 1
    assert out == ""


def test_job_shows_facts_and_executions(stub_url):
    failed = httpx.get(f"{stub_url}/v6/jobs/", params={"status": "FAILED"}).json()["results"][0]
    code, out, err = run(stub_url, "job", str(failed["id"]))
    assert code == 0
    assert f"Job:           {failed['id']}" in out
    assert "Status:        FAILED" in out
    assert "EXECUTION ID" in out
    assert err.startswith("log: scale-tui log ")


def test_tables_and_facts_name_the_profiles_zone(stub_url):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from scale_tui.core.formatting import format_time

    tokyo = ZoneInfo("Asia/Tokyo")  # no daylight saving: always JST
    code, out, _ = run(stub_url, "jobs", "--status", "FAILED", timezone="Asia/Tokyo")
    assert code == 0
    header = out.splitlines()[0]
    assert "LAST MODIFIED (JST)" in header and "ID" in header and "(JST)" not in out.splitlines()[1]
    job = httpx.get(f"{stub_url}/v6/jobs/", params={"status": "FAILED"}).json()["results"][0]
    code, out, _ = run(stub_url, "job", str(job["id"]), timezone="Asia/Tokyo")
    created = datetime.fromisoformat(job["created"].replace("Z", "+00:00"))
    assert f"Created:       {format_time(created, tokyo)} JST" in out
    assert "STARTED (JST)" in out  # the executions table


def test_unknown_job_exits_3_with_the_server_message(stub_url):
    code, _, err = run(stub_url, "job", "99999999")
    assert code == 3
    assert err.strip() == "scale-tui job: Not found (404) from GET /v6/jobs/99999999/: Not found."


def test_unreachable_server_exits_1(unused_tcp_port):
    code, _, err = run(f"http://127.0.0.1:{unused_tcp_port}", "jobs")
    assert code == 1
    assert err.startswith(f"scale-tui jobs: Cannot reach http://127.0.0.1:{unused_tcp_port}")


def _completed_execution(url: str) -> tuple[int, int, int]:
    job = httpx.get(f"{url}/v6/jobs/", params={"status": "COMPLETED"}).json()["results"][0]
    execution = httpx.get(f"{url}/v6/jobs/{job['id']}/").json()["execution"]
    return job["id"], execution["id"], execution["exe_num"]


def test_log_prints_every_line_by_execution_or_by_job(stub_url):
    job_id, exe_id, exe_num = _completed_execution(stub_url)
    code, by_exe, _ = run(stub_url, "log", str(exe_id))
    assert code == 0 and by_exe.count("\n") > 10
    code, by_job, err = run(stub_url, "log", "--job", str(job_id), "--follow")
    assert code == 0  # follow ends by itself: the execution is no longer running
    assert by_job == by_exe
    assert err.strip() == f"Execution {exe_id} (job {job_id}, exe {exe_num}) ended: COMPLETED."


def test_log_json_lines_and_stream_choice(stub_url):
    _, exe_id, _ = _completed_execution(stub_url)
    code, out, _ = run(stub_url, "log", str(exe_id), "--stream", "stderr", "-o", "json")
    assert code == 0
    rows = [json.loads(line) for line in out.splitlines()]
    assert all(row["stream"] == "stderr" for row in rows)


def test_log_text_is_escaped_for_a_terminal_and_a_pipe_alike():
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    args = parse(["log", "1"])
    tty = script_output.Printer(Tty(), io.StringIO(), args, Profile())
    pipe = script_output.Printer(io.StringIO(), io.StringIO(), args, Profile())
    text = "\x1b]52;c;evil\x07 \x1b[31mred\x9b2J\u202e"
    assert tty.log_text(text) == pipe.log_text(text) == "␛]52;c;evil␇ ␛[31mred\\x9b2J\\u202e"
    raw = script_output.Printer(io.StringIO(), io.StringIO(), parse(["log", "1", "--raw"]),
                                Profile())
    assert raw.log_text(text) == text


def test_log_raw_is_refused_on_a_terminal(stub_url):
    class Tty(io.StringIO):
        def isatty(self) -> bool:
            return True

    out, err = Tty(), io.StringIO()
    code = commands.run(parse(["log", "1", "--raw"]), Profile(url=stub_url), out=out, err=err)
    assert code == 2
    assert "--raw: only with table output to a pipe or file" in err.getvalue()
    assert out.getvalue() == ""


def test_cancel_needs_yes_and_sends_nothing_without_it(fresh_stub):
    code, _, err = run(fresh_stub.url, "cancel", "--status", "RUNNING")
    assert code == 2
    assert "Would cancel" in err and "Add --yes" in err
    assert posts(fresh_stub.url) == []


def test_cancel_without_any_filter_needs_all_jobs_too(fresh_stub):
    code, _, err = run(fresh_stub.url, "cancel", "--yes")
    assert code == 2 and "EVERY job" in err
    assert posts(fresh_stub.url) == []
    code, _, _ = run(fresh_stub.url, "cancel", "--yes", "--all-jobs", "-o", "json")
    assert code == 0
    assert posts(fresh_stub.url)[0]["body"] in ({}, None)


def test_cancel_refuses_several_statuses_before_sending(fresh_stub):
    code, _, err = run(fresh_stub.url, "cancel", "--status", "FAILED,RUNNING", "--yes")
    assert code == 2 and "single status" in err
    assert posts(fresh_stub.url) == []


def test_cancel_by_job_id_sends_plural_body_and_reports(fresh_stub):
    running = httpx.get(f"{fresh_stub.url}/v6/jobs/", params={"status": "RUNNING"}).json()
    job_id = running["results"][0]["id"]
    code, out, _ = run(fresh_stub.url, "cancel", "--job", str(job_id), "--yes")
    assert code == 0
    assert out.startswith(f"Cancel of job {job_id} (1 job) accepted by the server")
    assert posts(fresh_stub.url)[0]["body"] == {"job_ids": [job_id]}


def test_requeue_with_priority_in_json(fresh_stub):
    failed = api_count(fresh_stub.url, status="FAILED")
    code, out, _ = run(fresh_stub.url, "requeue", "--status", "FAILED", "--priority", "3",
                       "--yes", "-o", "json")  # fmt: skip
    assert code == 0
    report = json.loads(out)
    assert report["body"] == {"status": "FAILED", "priority": 3}
    assert report["matching"] == failed > 0
    assert posts(fresh_stub.url)[0]["body"] == {"status": "FAILED", "priority": 3}


def test_read_only_profile_refuses_actions(fresh_stub):
    code, _, err = run(fresh_stub.url, "requeue", "--job", "1", "--yes", read_only=True)
    assert code == 2 and "read-only" in err
    assert posts(fresh_stub.url) == []


def test_missing_ca_bundle_is_one_line_not_a_traceback(stub_url, tmp_path):
    code, _, err = run(stub_url, "jobs", ca_bundle=tmp_path / "nope.pem")
    assert code == 2  # fail closed: bad input, never the system CAs instead
    assert err.strip() == (f"scale-tui jobs: the profile: ca_bundle: CA bundle not found: "
                           f"{tmp_path / 'nope.pem'} (TLS is never verified with other CAs "
                           "instead)")
