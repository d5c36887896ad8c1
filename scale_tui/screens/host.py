"""What a screen may rely on from the app that hosts it: the written app <-> screen contract.

Screens reach the app through `ConsoleScreen.console`, typed as this protocol, instead of reading
attributes with `getattr` defaults; `ScaleApp` implements it, and so must any test app that
hosts a screen alone.
"""

from __future__ import annotations

from concurrent.futures import Future
from datetime import tzinfo
from typing import TYPE_CHECKING, Any, Protocol

from scale_tui.api import ScaleClient
from scale_tui.core.cluster import ClusterFacts
from scale_tui.core.config import Profile
from scale_tui.core.refresh_policy import Activity, RefreshPolicy

if TYPE_CHECKING:
    from scale_tui.core.fleet import Member  # the fleet screen's only: imported when it opens


def console_of(node: Any) -> ConsoleHost:
    """The app hosting `node` (a screen, a palette provider), as the contract names it."""
    return node.app


class ServerBound:
    """Mixed into a dialog whose every request must go to the server it opened on (the
    confirmation of a cancel or requeue, the queue-job form): its client is the app's at first
    use, at mount, and stays that one. A count shown and the request it confirms are then never
    for two servers, whatever the app does meanwhile (a profile switch replaces the app's
    client, app.switch_profile)."""

    _client: ScaleClient | None = None

    @property
    def client(self) -> ScaleClient:
        if self._client is None:
            self._client = console_of(self).client
        return self._client


class ConsoleHost(Protocol):
    """The console as its screens see it."""

    client: ScaleClient
    """The one client of the current server (replaced when the profile changes)."""
    profile_name: str
    profile: Profile
    read_only: bool
    """No action may be sent (the profile's `read_only` or `--read-only`)."""
    refresh_interval: float
    """Seconds between two refreshes of a live screen (at least 1)."""
    refresh_policy: RefreshPolicy
    """The one retry/refresh schedule, with `refresh_interval` as its interval."""
    page_size: int
    tz: tzinfo
    """The operator's time zone: every time on screen is shown in it."""
    server_ready: bool
    """False while the demo stub is still starting: screens wait instead of failing."""
    cluster: ClusterFacts
    """The server's Scale version and scheduler state, as far as known (every header shows
    them; the app keeps them current)."""
    server_problem: str
    """Why the server could not be reached at all (the demo stub did not start), or ''."""
    activity: Activity
    """The terminal's focus and the last key: whether the console is idle (core/refresh_policy)."""

    @property
    def idle(self) -> bool:
        """Idle now (unfocused, or no key for the policy's `idle_after`): refresh slowly."""
        ...

    @property
    def filter_key(self) -> str:
        """Where the current server's last filter is remembered (core/state.filter_key)."""
        ...

    def take_first_page(self, key: tuple) -> Future | None:
        """The first page asked while the UI was importing (core/first_page.py), if it is for
        `key` (core/first_page.first_page_key); at most once."""
        ...

    def open_job(self, job_id: int) -> None: ...

    def open_execution(self, job_id: int, exe_num: int) -> None: ...

    def open_log(self, execution_id: int, *, job_id: int | None = None,
                 exe_num: int | None = None, title: str = "") -> None: ...

    def open_latest_log(self, job_id: int) -> Any: ...

    def show_jobs(self, **changes: Any) -> None: ...

    def open_triage(self) -> None: ...

    def jump_to_jobs(self, **fields: str) -> None:
        """Back to the jobs list showing every job of a batch or recipe (`batch_id="12"`):
        the other filters and the find are replaced, and the operator is told which."""
        ...

    def switch_profile(self, name: str, profile: Profile) -> None: ...

    def fleet_members(self) -> list[Member]: ...
