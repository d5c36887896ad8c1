"""Run the real `scale-tui` command line in a child process, against a stub on loopback, with
its own config and state files; and read the stub's request log (what reached the server)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]


class Cli:
    def __init__(self, tmp_path: Path) -> None:
        self.tmp = tmp_path
        self.config = tmp_path / "config.toml"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("SCALE_TUI_")}
        self.env.update(
            PYTHONPATH=str(ROOT) + os.pathsep + self.env.get("PYTHONPATH", ""),
            SCALE_TUI_CONFIG=str(self.config),
            SCALE_TUI_STATE_DIR=str(tmp_path / "state"),
            SCALE_TUI_DATA_DIR=str(tmp_path / "data"),
            NO_COLOR="1",
        )

    def write_config(self, text: str) -> Path:
        self.config.write_text(text)
        self.config.chmod(0o600)
        return self.config

    def __call__(self, *argv: str, timeout: float = 60, **env: str) -> subprocess.CompletedProcess:
        """`scale-tui ARGV...`; a console that starts by mistake is stopped by the timeout."""
        return subprocess.run(
            [sys.executable, "-m", "scale_tui.cli", *argv], env={**self.env, **env},
            stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=timeout, cwd=ROOT,
        )


def requests_seen(url: str) -> list[dict]:
    """Every API request the stub received since the last `forget_requests`."""
    return httpx.get(f"{url}/_stub/requests").json()


def forget_requests(url: str) -> None:
    httpx.delete(f"{url}/_stub/requests").raise_for_status()
