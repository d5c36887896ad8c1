"""The fleet screen: every configured cluster at a glance; Enter switches the console to one.

Each cluster is watched by its own worker (`core/fleet.py` `Watch`: check, report, wait), the
first checks staggered, each check bounded by its profile's timeout: a cluster that hangs only
keeps its own row waiting. Workers return data in a message; the handler draws.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Footer, Static

from scale_tui.core import clock, fleet
from scale_tui.core.fleet import ClusterStatus, Member
from scale_tui.core.sanitize import display_text
from scale_tui.screens.base import ConsoleScreen
from scale_tui.screens.profiles import profile_to_switch_to
from scale_tui.widgets.console_header import ConsoleHeader
from scale_tui.widgets.fleet_table import FleetTable
from scale_tui.widgets.guard import ScreenData

MIN_INTERVAL = 5.0  # a fleet check is six requests a cluster: no faster than this


class ClusterChecked(ScreenData):
    """One cluster's check (dropped if the fleet screen has been popped: widgets/guard.py)."""

    def __init__(self, status: ClusterStatus) -> None:
        super().__init__()
        self.status = status


class FleetScreen(ConsoleScreen):
    HELP_TITLE = "Fleet"
    HELP = """\
One row per profile of the config file, each checked on its own every few seconds: state
(live, offline, 403, tls, timeout, error), Scale version, scheduler (PAUSED: queued jobs wait),
RUNNING, QUEUED, FAILED in the last hour, failures per hour over 24 hours (+: more than the
newest 1000 failures), the last failure and the latency of GET /v6/version/. RO: read-only."""

    BINDINGS = [
        Binding("enter", "switch", "Switch to cluster", id="fleet.switch"),
        Binding("r", "refresh", "Check now", id="fleet.refresh"),
        Binding("escape", "back", "Back", id="fleet.back"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.members: list[Member] = []
        self.statuses: dict[str, ClusterStatus] = {}
        self.watches: list[fleet.Watch] = []

    def compose(self) -> ComposeResult:
        yield self.make_header(context="fleet", interval=max(MIN_INTERVAL,
                                                              self.console.refresh_interval))
        yield FleetTable(id="fleet")
        yield Static(id="fleet-detail")
        yield Footer()

    @property
    def table(self) -> FleetTable:
        return self.query_one(FleetTable)

    @property
    def detail(self) -> Static:
        return self.query_one("#fleet-detail", Static)

    def on_mount(self) -> None:
        self.table.focus()
        self.members = list(self.console.fleet_members())
        if not self.members:
            self.detail.update(
                "No profiles in the config file: the fleet has nothing to show "
                "(scale-tui config path says where the file is).")
            return
        for member in self.members:
            self._show(member.waiting())
        self._show_header()
        if self.console.server_ready:
            self._start()

    def server_started(self) -> None:
        """The demo fleet is up: its members now have their URLs."""
        if self.console.server_ready and not self.watches:
            self.members = list(self.console.fleet_members())
            self._start()

    def _start(self) -> None:
        # The console's one schedule (core/refresh_policy.py), never faster than MIN_INTERVAL.
        policy = self.console.refresh_policy
        policy = policy.with_interval(max(MIN_INTERVAL, policy.interval))
        self.watches = fleet.staggered(self.members, self._report, policy=policy,
                                       idle=lambda: self.console.idle)
        for watch in self.watches:
            self.run_worker(watch.run(), group="fleet", name=f"fleet-{watch.member.name}",
                            exit_on_error=False)
        self._show_header()

    def _report(self, status: ClusterStatus) -> None:
        # Called in the worker: hand the data over; the handler draws.
        self.post_message(ClusterChecked(status))

    def on_cluster_checked(self, message: ClusterChecked) -> None:
        self._show(message.status)
        self.last_refresh = clock.now()
        self.connection.succeeded(self.last_refresh)
        self._show_header()

    def _show(self, status: ClusterStatus) -> None:
        self.statuses[status.profile] = status
        self.table.show(status, current=status.profile == self.console.profile_name,
                        now=clock.now(), tz=self.console.tz)
        if status.profile == self.table.cursor_profile:
            self._show_detail()

    @on(DataTable.RowHighlighted)
    def _show_detail(self) -> None:
        """Why the cluster under the cursor is not live, in the server's or the network's words."""
        status = self.statuses.get(self.table.cursor_profile or "")
        text = Text()
        if status is not None and status.error:
            text.append(f"{status.profile}: ", style="bold")
            text.append(display_text(status.error))
        self.detail.update(text)

    def _show_header(self) -> None:
        # The screen's own freshness is its checks': each answer (live or not) is news about
        # the fleet, so the header says live; the rows say which cluster is down.
        statuses = list(self.statuses.values())
        self.query_one(ConsoleHeader).show(
            self.header_info(context=f"fleet: {fleet.summary(statuses)}",
                             refreshed=self.clock_text(self.last_refresh)
                             if self.last_refresh else ""))

    # ---- actions

    def activity_changed(self, woke: bool) -> None:
        """The operator is back (a key, a click, the terminal's focus): check every cluster now
        instead of at the idle pace (core/refresh_policy.py)."""
        if woke:
            self.action_refresh()

    def action_refresh(self) -> None:
        for watch in self.watches:
            watch.check_now()

    def action_back(self) -> None:
        self.app.pop_screen()

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        event.stop()
        self.action_switch()

    def action_switch(self) -> None:
        name = self.table.cursor_profile
        member = next((m for m in self.members if m.name == name), None)
        if member is None:
            return
        profile = member.profile
        if member.from_config:
            # Re-read as a switch from the palette does (environment, --read-only kept).
            profile = profile_to_switch_to(self.app, member.name)
            if profile is None:
                return
        self.console.switch_profile(member.name, profile)
