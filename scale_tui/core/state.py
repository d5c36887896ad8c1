"""What the console remembers between runs: the jobs screen's last filter per server.

State belongs to a server (issue 12): filters are keyed by `filter_key(profile, url)`, the
server's URL (password masked, never stored) and the profile's name, so `--url` of a new server
never opens with another server's filter, and two profiles on one server keep their own.

State is a convenience, never a reason to fail: a missing, unreadable or corrupt file reads as
"nothing remembered", and writes are atomic (temporary file + rename) so a crash mid-write cannot
leave half a file behind.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from pathlib import Path
from typing import Any

from scale_tui.core import locations
from scale_tui.core.connect import mask_url

log = logging.getLogger(__name__)


def filter_key(profile_name: str, url: str) -> str:
    """The key a server's remembered filter is kept under: ``URL (profile)``."""
    return f"{mask_url(url.rstrip('/'))} ({profile_name})"


def load_last_filter(key: str) -> dict | None:
    """The filter form data saved under `key` (see filter_key); None if none (or the file is
    unreadable)."""
    data = _read_all(locations.last_filters_file()).get(key)
    return data if isinstance(data, dict) else None


def save_last_filter(key: str, data: dict) -> None:
    """Remember `data` (JSON-able) under `key`. Never raises: state is not worth a crash."""
    path = locations.last_filters_file()
    everything = _read_all(path)
    everything[key] = data
    try:
        _write_atomic(path, everything)
    except (OSError, TypeError, ValueError) as exc:
        log.warning("could not save the last filter to %s: %s", path, exc)


def _read_all(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        log.warning("ignoring unreadable state file %s: %s", path, exc)
        return {}
    return data if isinstance(data, dict) else {}


def _write_atomic(path: Path, data: dict[str, Any]) -> None:
    text = json.dumps(data, indent=2, sort_keys=True)  # before touching disk: bad data fails here
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
