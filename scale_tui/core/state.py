"""What the console remembers between runs: the jobs screen's last filter per profile.

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

log = logging.getLogger(__name__)


def load_last_filter(profile_name: str) -> dict | None:
    """The filter form data saved for `profile_name`; None if none (or the file is unreadable)."""
    data = _read_all(locations.last_filters_file()).get(profile_name)
    return data if isinstance(data, dict) else None


def save_last_filter(profile_name: str, data: dict) -> None:
    """Remember `data` (JSON-able) for `profile_name`. Never raises: state is not worth a crash."""
    path = locations.last_filters_file()
    everything = _read_all(path)
    everything[profile_name] = data
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
