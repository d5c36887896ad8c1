"""Ctrl-C stops a script at once, even in the middle of a request to a server that never
answers. `jobs`, `job`, `log` and `triage` send their requests through a transport that blocks
the loop (api/http.py BlockingTransport, issue 15): asyncio's own SIGINT handler would only
cancel the task and leave the request to its timeout, so the script restores Python's default
(scripts/subcommands.py)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time

import pytest

RUN_CLI = "import sys; from scale_tui.cli import main; sys.exit(main(sys.argv[1:]))"


@pytest.mark.parametrize("argv", [["jobs"], ["job", "5"]])
def test_ctrl_c_in_a_request_that_never_ends_exits_130_at_once(tmp_path, argv):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    port = silent.getsockname()[1]
    env = {**os.environ, "HOME": str(tmp_path), "PYTHONPATH": ":".join(sys.path),
           "SCALE_TUI_CONFIG_DIR": str(tmp_path), "SCALE_TUI_STATE_DIR": str(tmp_path),
           "SCALE_TUI_DATA_DIR": str(tmp_path), "SCALE_TUI_TIMEOUT": "30"}
    proc = subprocess.Popen([sys.executable, "-c", RUN_CLI, *argv,
                             "--url", f"http://127.0.0.1:{port}"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        silent.settimeout(30)
        peer, _ = silent.accept()  # the script connected; its request waits for an answer
        peer.settimeout(30)
        assert peer.recv(4096).startswith(b"GET /v6/jobs/")
        proc.send_signal(signal.SIGINT)
        started = time.monotonic()
        code = proc.wait(timeout=25)
        assert time.monotonic() - started < 5  # not the request's 30 s timeout
        assert code == 130, proc.stderr.read()
        peer.close()
    finally:
        proc.kill()
        silent.close()
