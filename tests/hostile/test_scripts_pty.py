"""The hostile Scale (tests/hostile/answers.py, on loopback) through `scale-tui jobs|job|log` with a
pseudo-terminal as stdout and stderr: no byte that could drive the terminal is ever written.

Human output shows the hostile text as visible escapes; JSON output is the exact data with the
same characters as JSON escapes; an error line quoting a hostile ``detail`` is escaped too.
"""

from __future__ import annotations

import json
import os
import select
import subprocess
import sys
import time

import pytest

from scale_tui.core.sanitize import UNSAFE
from tests.fakes import serve
from tests.hostile import answers as hostile

RUN_CLI = "import sys; from scale_tui.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.fixture(scope="module")
def server():
    with serve(hostile.scale()) as url:
        yield url


@pytest.fixture
def env(tmp_path):
    return {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path),
            "SCALE_TUI_CONFIG_DIR": str(tmp_path / "config"),
            "SCALE_TUI_STATE_DIR": str(tmp_path / "state"),
            "SCALE_TUI_DATA_DIR": str(tmp_path / "data"), "TERM": "xterm-256color",
            "LANG": "C.UTF-8"}


def on_pty(argv: list[str], env: dict[str, str], timeout: float = 60) -> tuple[int, bytes]:
    """Run the command line with a pseudo-terminal as stdin, stdout and stderr; every byte it
    wrote to the terminal, and its exit code."""
    master, slave = os.openpty()
    proc = subprocess.Popen([sys.executable, "-c", RUN_CLI, *argv], stdin=slave, stdout=slave,
                            stderr=slave, env=env, close_fds=True)
    os.close(slave)
    output = bytearray()
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline:
            ready, _, _ = select.select([master], [], [], 0.5)
            if ready:
                try:
                    chunk = os.read(master, 65536)
                except OSError:  # EIO: the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            elif proc.poll() is not None:
                break
        code = proc.wait(timeout=10)
    finally:
        proc.kill() if proc.poll() is None else None
        os.close(master)
    return code, bytes(output)


def assert_inert(output: bytes) -> str:
    assert b"\x1b" not in output and b"\x07" not in output
    text = output.decode("utf-8")  # strict: no invalid UTF-8 was written either
    found = UNSAFE.search(text.replace("\r\n", "\n").replace("\n", ""))
    assert found is None, f"{found.group()!r} written near {text[found.start() - 40:][:80]!r}"
    return text


@pytest.mark.parametrize("argv, shown", [
    (["jobs"], ["ID", "STATUS ␛]0;pwned-title␇", "type-name ␛]0;pwned"]),
    (["job", "1"], ["Job:", "node.host ␛]0;pwned-title␇", "[@click=app.quit]q[/]", "101"]),
    (["job", "2"], ["more chars"]),  # its error description is a 1 MB line: cut
    (["log", "101"], [hostile.VISIBLE_MARK, "␛[31mred SGR␛[0m", "[bold red]not markup[/]",
                      "A" * 1000]),
    (["log", "101", "--timestamps", "--stream", "stderr"], ["2026-01-01 04:02:01"]),
])  # fmt: skip
def test_human_output_on_a_terminal_is_inert(server, env, argv, shown):
    code, output = on_pty(["--url", server, *argv], env)
    text = assert_inert(output)
    assert code == 0, text[-2000:]
    for mark in shown:
        assert mark in text


@pytest.mark.parametrize("argv", [["jobs"], ["job", "1"], ["log", "101"]])
def test_json_output_on_a_terminal_is_exact_data_and_inert(server, env, argv):
    code, output = on_pty(["--url", server, *argv, "-o", "json"], env)
    text = assert_inert(output)
    assert code == 0, text[-2000:]
    assert "\\u001b]0;pwned-title\\u0007" in text and "\\u202e" in text
    if argv[0] == "log":
        messages = [json.loads(line)["message"] for line in text.splitlines()]
        assert any(m.startswith("\x1b[31mred SGR") for m in messages)  # exactly as sent
        assert hostile.BIG.replace(hostile.BAD_UTF8_MARK, "") in "".join(messages).replace(
            "\ufffd", "").replace("(", "")
    else:
        data = json.loads(text)
        job = data["results"][2] if argv[0] == "jobs" else data
        assert job["node"]["hostname"].startswith("node.host \x1b]0;pwned-title\x07")


def test_an_error_quoting_the_server_is_inert(server, env):
    code, output = on_pty(["--url", server, "job", "999"], env)
    text = assert_inert(output)
    assert code not in (0, None)
    assert "no such job detail ␛]0;pwned-title␇" in text


def test_raw_log_is_refused_on_a_terminal(server, env):
    code, output = on_pty(["--url", server, "log", "101", "--raw"], env)
    text = assert_inert(output)
    assert code == 2 and "--raw" in text and "red SGR" not in text


def test_a_pipe_gets_the_same_inert_text_and_raw_only_when_asked(server, env):
    done = subprocess.run([sys.executable, "-c", RUN_CLI, "--url", server, "log", "101"],
                          capture_output=True, env=env, timeout=60)
    assert done.returncode == 0
    assert_inert(done.stdout)
    raw = subprocess.run([sys.executable, "-c", RUN_CLI, "--url", server, "log", "101",
                          "--raw"], capture_output=True, env=env, timeout=60)
    assert raw.returncode == 0
    assert b"\x1b[31mred SGR\x1b[0m" in raw.stdout  # exactly as written, for a file
