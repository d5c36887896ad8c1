"""Helpers for the console's tests: an isolated environment, a frozen clock, an app factory and
`job_payload` (a job for tests/fakes.py's FakeScale, the one fake Scale)."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from scale_tui.api import ScaleClient
from scale_tui.core import clock
from scale_tui.core.config import Profile

# The stub's seed data (simulate=False) lies between 2026-01-01 00:00 and 06:00 UTC.
FROZEN_NOW = datetime(2026, 1, 1, 6, 30, tzinfo=UTC)


@pytest.fixture
def isolated(tmp_path, monkeypatch):
    """No test reads or writes the user's config, state or logs."""
    for name, sub in (("SCALE_TUI_CONFIG_DIR", "config"), ("SCALE_TUI_STATE_DIR", "state"),
                      ("SCALE_TUI_DATA_DIR", "data")):
        monkeypatch.setenv(name, str(tmp_path / sub))
    for name in ("SCALE_TUI_CONFIG", "SCALE_TUI_PROFILE", "SCALE_TUI_URL", "SCALE_TUI_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


@pytest.fixture
def frozen_clock():
    with clock.freeze(FROZEN_NOW) as moment:
        yield moment


@pytest.fixture
def make_app(isolated):
    """`make_app(url, client=None, **profile_fields)` -> a ScaleApp for run_test()."""
    from scale_tui.app import ScaleApp

    def make(url: str = "http://127.0.0.1:9", *, client: ScaleClient | None = None,
             name: str = "test", **fields: Any) -> ScaleApp:
        fields.setdefault("refresh_interval", 300.0)  # tests refresh explicitly
        fields.setdefault("page_size", 40)  # less to parse and draw; the first-page test uses 100
        return ScaleApp(name, Profile(url=url, **fields), client=client)

    return make


def job_payload(job_id: int, *, status: str = "RUNNING", minute: int = 0,
                job_type: str = "sam", node: str | None = "node-1", **extra: Any) -> dict:
    moment = (FROZEN_NOW - timedelta(minutes=60 - minute)).isoformat().replace("+00:00", "Z")
    return {
        "id": job_id, "status": status, "num_exes": 1, "max_tries": 3,
        "job_type": {"id": 1, "name": job_type, "version": "1.0", "title": job_type.upper()},
        "node": {"id": 1, "hostname": node} if node else None,
        "error": None, "is_superseded": False,
        "created": moment, "queued": moment, "started": moment, "ended": None,
        "last_modified": moment, **extra,
    }


def plain_text(widget, width: int = 200) -> str:
    """What a Static shows, as plain text (its content may be a Rich renderable)."""
    from rich.console import Console

    console = Console(width=width, record=True, file=io.StringIO(), color_system=None)
    console.print(widget.content)
    return console.export_text()


async def settle(pilot, app) -> None:
    """Let messages, workers and the redraw they cause finish."""
    for _ in range(3):
        await pilot.pause()
        await app.workers.wait_for_complete()
    await pilot.pause()
