"""Every config test starts from a clean environment and its own config and state files."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(autouse=True)
def isolated_environment(monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith("SCALE_TUI_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("SCALE_TUI_CONFIG", str(tmp_path / "config.toml"))
    monkeypatch.setenv("SCALE_TUI_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture
def write_config(tmp_path):
    """Write a config file with private permissions (tests that check the warning widen them)."""

    def write(text: str):
        path = tmp_path / "config.toml"
        path.write_text(text)
        path.chmod(0o600)
        return path

    return write
