"""Pilot support: one way to wait (on a condition, with a deadline, never on a fixed time) and
the one stand-in console (`HostApp`) for a screen or dialog tested without ScaleApp."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC

from textual.app import App
from textual.screen import Screen

from scale_tui.api import ScaleClient
from scale_tui.core.cluster import ClusterFacts
from scale_tui.core.config import Profile
from scale_tui.core.refresh_policy import DEFAULT_POLICY
from scale_tui.screens.action_flow import JobsChanged
from scale_tui.screens.profiles import ProfileCommands

# Generous: CI runs on a noisy 2-core machine; a passing test returns as soon as it holds.
DEADLINE = 20.0


async def wait_until(pilot, condition: Callable[[], object], *, timeout: float = DEADLINE) -> None:
    """Let the app run until ``condition()`` holds; fail if it has not within ``timeout`` s."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"condition not reached within {timeout:g} s")
        await pilot.pause(0.01)


class HostScreen(Screen):
    """An empty screen under the one being tested; records the JobsChanged it is sent."""

    def __init__(self) -> None:
        super().__init__()
        self.changes: list[str] = []

    def on_jobs_changed(self, message: JobsChanged) -> None:
        self.changes.append(message.summary)


class HostApp(App):
    """What ScaleApp offers its screens (screens/host.py's ConsoleHost), and no more: it shows
    `screen` (default: a `HostScreen`) and records the jobs it is asked to open and the profiles
    it is asked to switch to. Its palette lists the config's profiles, as ScaleApp's does."""

    COMMANDS = {ProfileCommands}

    def __init__(self, client: ScaleClient | None = None, screen: Screen | None = None, *,
                 profile_name: str = "test", read_only: bool = False,
                 log_buffer: int = 100_000) -> None:
        super().__init__()
        self.client = client
        self.profile_name = profile_name
        self.profile = Profile(url="http://scale.test", log_buffer=log_buffer)
        self.read_only = read_only
        self.refresh_interval = 5.0
        self.refresh_policy = DEFAULT_POLICY
        self.idle = False  # never idle here (tests/tui/test_idle.py covers idle on ScaleApp)
        self.page_size = 40
        self.tz = UTC
        self.cluster = ClusterFacts()
        self.server_ready = True
        self.server_problem = ""
        self.opened: list[int] = []
        self.switched: list[tuple[str, Profile]] = []
        self._first = screen

    def on_mount(self) -> None:
        self.push_screen(self._first or HostScreen())

    def open_job(self, job_id: int) -> None:
        self.opened.append(job_id)

    def switch_profile(self, name: str, profile: Profile) -> None:
        self.switched.append((name, profile))
