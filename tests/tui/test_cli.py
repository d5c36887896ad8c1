"""`scale-tui jobs|job|log` from a shell: the subcommands are wired into `scale-tui` and talk to
the server named by --url (before or after the subcommand)."""

from __future__ import annotations

import json

from scale_tui import cli


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_jobs_job_and_log_subcommands_against_the_stub(stub_url, isolated, capsys):
    code, out, err = run(capsys, "--url", stub_url, "jobs", "--status", "FAILED", "-o", "json")
    assert code == 0, err
    listed = json.loads(out)
    assert listed["count"] > 0
    assert {job["status"] for job in listed["results"]} == {"FAILED"}
    failed = listed["results"][0]["id"]

    code, out, err = run(capsys, "job", str(failed), "--url", stub_url)  # --url after it too
    assert code == 0, err
    assert f"Job:           {failed}" in out and "Status:        FAILED" in out
    rows = [line.split() for line in out.splitlines() if line[:1].isdigit()]
    assert rows and all(row[2] == "FAILED" for row in rows)  # EXE, EXECUTION ID, STATUS
    execution_id = rows[0][1]

    code, out, err = run(capsys, "--url", stub_url, "log", execution_id)
    assert code == 0, err
    assert f"Starting execution scale_{execution_id}" in out.splitlines()[0]
    assert len(out.splitlines()) > 10

    code, out, err = run(capsys, "--url", stub_url, "job", "999999")
    assert code == 3 and out == ""  # not found
    assert "Not found (404)" in err and "Traceback" not in err
