"""Three seeded stubs for the fleet tests (simulator off), one of them stopped, a loopback socket
that accepts and never answers, and a config file naming them."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from server_stub.runner import StubServer

HUNG_TIMEOUT = 1.5


@pytest.fixture(scope="module")
def fleet_urls() -> Iterator[dict[str, str]]:
    """east: 300 jobs (seed 7); west: 200 jobs (seed 3), scheduler paused; lab: stopped."""
    east = StubServer(jobs=300, seed=7, simulate=False).start()
    west = StubServer(jobs=200, seed=3, simulate=False, paused=True).start()
    lab = StubServer(jobs=20, seed=5, simulate=False).start()
    urls = {"east": east.url, "west": west.url, "lab": lab.url}
    lab.stop()
    try:
        yield urls
    finally:
        east.stop()
        west.stop()


@pytest.fixture
def hung_url() -> Iterator[str]:
    """A socket that accepts connections (the kernel's backlog) and never answers."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(16)
        yield f"http://127.0.0.1:{sock.getsockname()[1]}"


def write_config(isolated: Path, profiles: dict[str, dict]) -> Path:
    """The config file the `isolated` environment reads, naming `profiles`."""
    lines = []
    for name, fields in profiles.items():
        lines.append(f"[profiles.{name}]")
        for key, value in fields.items():
            text = ("true" if value else "false") if isinstance(value, bool) else (
                repr(value) if isinstance(value, int | float) else f'"{value}"')
            lines.append(f"{key} = {text}")
    path = isolated / "config" / "config.toml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("\n".join(lines) + "\n")
    path.chmod(0o600)
    return path
