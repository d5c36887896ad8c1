"""Running the stub as users do: the scale-stub command and a child process for --demo."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from server_stub.cli import main
from server_stub.runner import free_port, spawn_stub
from tests.stub.conftest import wait_for


def test_spawned_stub_serves_and_stops():
    stub = spawn_stub(jobs=20, seed=4, simulate=False)
    try:
        assert httpx.get(f"{stub.url}/v6/jobs/").json()["count"] == 20
    finally:
        stub.stop()
    assert not stub.process.is_alive()


def test_scale_stub_command_serves_with_the_simulator_on():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server_stub.cli", "--port", str(port),
                             "--jobs", "40", "--seed", "3"],
                            stderr=subprocess.PIPE, text=True)
    try:
        url = f"http://127.0.0.1:{port}"

        def newest():
            try:
                body = httpx.get(f"{url}/v6/jobs/", params={"order": "-last_modified",
                                                            "page_size": 1}).json()
            except httpx.TransportError:
                return None
            return body["results"][0]["last_modified"]

        first = wait_for(newest, timeout=30, interval=0.1)
        # The simulator moves something on its own within a few of its one-second steps.
        wait_for(lambda: newest() > first, timeout=15, interval=0.2)
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_scale_stub_refuses_a_job_count_out_of_range(capsys):
    assert main(["--jobs", "5"]) == 2
    assert "--jobs must be between 10 and 1,000,000" in capsys.readouterr().err


PARENT = """
import sys, time
from server_stub.runner import spawn_stub
if __name__ == "__main__":
    stub = spawn_stub(jobs=10, seed=1, simulate=False)
    print(stub.url, flush=True)
    time.sleep(60)
"""


def test_spawned_stub_exits_when_its_parent_dies(tmp_path):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script)], stdout=subprocess.PIPE, text=True)
    try:
        url = parent.stdout.readline().strip()
        assert httpx.get(f"{url}/v6/version/").status_code == 200
    finally:
        parent.kill()  # no cleanup runs: only the pipe's EOF tells the child
        parent.wait()

    def gone():
        try:
            httpx.get(f"{url}/v6/version/", timeout=1)
        except httpx.TransportError:
            return True
        return False

    wait_for(gone, timeout=15, interval=0.1)


def test_spawned_stub_that_cannot_start_says_so_at_once():
    with pytest.raises(RuntimeError, match="exited"):
        spawn_stub(jobs=0)


def test_scale_stub_paused_starts_with_the_scheduler_paused():
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "server_stub.cli", "--port", str(port),
                             "--jobs", "10", "--no-simulate", "--paused"],
                            stderr=subprocess.PIPE, text=True)
    try:
        def scheduler():
            try:
                return httpx.get(f"http://127.0.0.1:{port}/v6/scheduler/").json()
            except httpx.TransportError:
                return None

        assert wait_for(scheduler, timeout=30, interval=0.1)["is_paused"] is True
    finally:
        proc.terminate()
        proc.wait(timeout=10)
