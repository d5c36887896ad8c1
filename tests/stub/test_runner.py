"""Running the stub as users do: the scale-stub command and a child process for --demo."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from server_stub.cli import main
from server_stub.runner import free_port, spawn_stub, spawn_stubs
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


def test_three_stubs_in_one_child_process_serve_their_own_data_and_stop():
    configs = [dict(jobs=40, seed=3, simulate=False), dict(jobs=25, seed=4, simulate=False),
               dict(jobs=12, seed=5, simulate=False, paused=True)]
    fleet = spawn_stubs(configs)
    try:
        assert len(fleet.urls) == 3 and len(set(fleet.urls)) == 3
        for url, config in zip(fleet.urls, configs, strict=True):
            assert httpx.get(f"{url}/v6/version/").status_code == 200
            scheduler = httpx.get(f"{url}/v6/scheduler/").json()
            assert scheduler["is_paused"] is config.get("paused", False)
            assert httpx.get(f"{url}/v6/jobs/").json()["count"] == config["jobs"]
    finally:
        fleet.stop()
    assert not fleet.process.is_alive()
    for url in fleet.urls:
        with pytest.raises(httpx.TransportError):
            httpx.get(f"{url}/v6/version/", timeout=2)


def test_a_fleet_that_cannot_start_says_which_stub_and_why():
    with pytest.raises(RuntimeError, match="jobs must be between"):
        spawn_stubs([dict(jobs=10, simulate=False), dict(jobs=0)])
    with pytest.raises(ValueError):
        spawn_stubs([])


PARENT = """
import sys, time
from server_stub.runner import spawn_stub, spawn_stubs
if __name__ == "__main__":
    if sys.argv[1] == "fleet":
        stubs = spawn_stubs([dict(jobs=10, seed=1, simulate=False),
                             dict(jobs=10, seed=2, simulate=True, paused=True)])
    else:
        stubs = spawn_stub(jobs=10, seed=1, simulate=False)
    print(" ".join(stubs.urls), flush=True)
    time.sleep(60)
"""


@pytest.mark.parametrize("kind", ["one", "fleet"])
def test_spawned_stubs_exit_when_their_parent_dies(tmp_path, kind):
    script = tmp_path / "parent.py"
    script.write_text(PARENT)
    parent = subprocess.Popen([sys.executable, str(script), kind], stdout=subprocess.PIPE,
                              text=True)
    try:
        urls = parent.stdout.readline().split()
        assert len(urls) == (2 if kind == "fleet" else 1)
        for url in urls:
            assert httpx.get(f"{url}/v6/version/").status_code == 200
    finally:
        parent.kill()  # no cleanup runs: only the pipe's EOF tells the child
        parent.wait()

    def gone():
        for url in urls:
            try:
                httpx.get(f"{url}/v6/version/", timeout=1)
            except httpx.TransportError:
                continue
            return False
        return True

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
