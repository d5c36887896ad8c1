"""Where scale-tui keeps its files: the one module that knows the platform's directories."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs

APP_NAME = "scale-tui"


def config_dir() -> Path:
    return Path(os.environ.get("SCALE_TUI_CONFIG_DIR") or platformdirs.user_config_dir(APP_NAME))


def config_file() -> Path:
    return Path(os.environ.get("SCALE_TUI_CONFIG") or config_dir() / "config.toml")


def data_dir() -> Path:
    """Saved logs go here unless the user names a path."""
    return Path(os.environ.get("SCALE_TUI_DATA_DIR") or platformdirs.user_data_dir(APP_NAME))


def state_dir() -> Path:
    """Last filters per profile go here."""
    return Path(os.environ.get("SCALE_TUI_STATE_DIR") or platformdirs.user_state_dir(APP_NAME))


def last_filters_file() -> Path:
    """The jobs screen's last filter per profile (state, not configuration: safe to delete)."""
    return state_dir() / "last-filters.json"
