"""ScaleApp: the console. Owns the profile, the one ScaleClient, and navigation between screens.

The jobs screen is the home screen; job details, execution details and logs are pushed on top of
it, so `escape` always comes back to exactly the filters, page and cursor the user left.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import sys
from collections.abc import Iterable
from concurrent.futures import Future
from dataclasses import replace
from datetime import UTC
from typing import TYPE_CHECKING, Any

from textual import events, work
from textual.app import App, SystemCommand
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen

from scale_tui.api import ScaleClient, ScaleError
from scale_tui.core import clock, state
from scale_tui.core.cluster import CHECK_INTERVAL, UNKNOWN, ClusterFacts, read_facts
from scale_tui.core.config import DEMO_PROFILE, Profile
from scale_tui.core.connect import ConfigError, make_client, mask_url
from scale_tui.core.filter_form import FilterForm
from scale_tui.core.first_page import FirstPage, page_size_of
from scale_tui.core.formatting import zone
from scale_tui.core.refresh_policy import DEFAULT_POLICY, Activity, RefreshPolicy
from scale_tui.core.sanitize import display_text
from scale_tui.screens.base import ConsoleScreen
from scale_tui.screens.jobs import JobsScreen
from scale_tui.screens.refresh import RefreshLoop
from scale_tui.widgets.console_header import ConsoleHeader
from scale_tui.widgets.guard import Guarded

if TYPE_CHECKING:
    from scale_tui.api import Execution  # built when first used (api/__init__.py)
    from scale_tui.core.fleet import Member
    from scale_tui.screens.triage import TriageMemory

# Start-up (issue 15): only the jobs screen is imported with the app; every other screen, the
# palette's providers and core/fleet are imported where first used. Each such import says
# "measured": docs/startup.md has the numbers (python -X importtime, bench/startup.py).

log = logging.getLogger("scale_tui")

MIN_REFRESH = 1.0
IDLE_CHECK = 30.0  # seconds between two looks at "no key for 10 minutes" (the header says idle)
CLEAR_ALTERNATE_SCREEN = "\x1b[H\x1b[2J\x1b[3J"  # home, erase the screen, erase scrollback


def _console_commands() -> type:
    # lazy, measured (docs/startup.md): imported on first use, not at start
    from scale_tui.screens.palette import ConsoleCommands

    return ConsoleCommands


def _profile_commands() -> type:
    # lazy, measured (docs/startup.md): imported on first use, not at start
    from scale_tui.screens.profiles import ProfileCommands

    return ProfileCommands


def _showing(screen: object, module: str, name: str) -> bool:
    """`isinstance(screen, module.name)` without importing the module: a screen whose module
    was never imported (they are imported at first push) cannot be on the stack."""
    cls = getattr(sys.modules.get(module), name, None)
    return cls is not None and isinstance(screen, cls)


def freeze_startup_heap() -> None:
    """Take what is imported by now out of the cyclic garbage collector's reach (gc.freeze).

    A full collection walks every tracked object, and ~55,000 of them are the modules' own
    (textual, rich, pydantic, httpx, ours), which never become garbage. A full collection that
    falls in a 10,000-line log burst held the loop for 40-70 ms; frozen, 10-20 ms
    (bench/logs.py). Called once by the command line before the console runs, not by tests.
    """
    gc.freeze()


class ScaleApp(Guarded, App):
    """The Scale console."""

    TITLE = "scale-tui"
    CSS_PATH = "app.tcss"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_console_commands, _profile_commands}  # loaded at ctrl+p
    BINDINGS = [
        Binding("question_mark", "help", "Help", id="app.help"),
        Binding("C", "fleet", "Clusters (fleet)", id="app.fleet", show=False),
        Binding("ctrl+c", "quit", "Quit", show=False, priority=True, id="app.quit"),
    ]

    def __init__(self, profile_name: str, profile: Profile, *, warnings: Iterable[str] = (),
                 client: ScaleClient | None = None,
                 server: Future[str] | Future[dict[str, str]] | None = None,
                 fleet: list[Member] | None = None, open_fleet: bool = False,
                 first_page: FirstPage | None = None) -> None:
        """`server`, when given, resolves to the URL of a server still starting (the demo stub),
        or to each fleet member's URL by name (the demo fleet): the console opens at once and
        starts loading when it is up. `fleet`: the clusters of the fleet screen, when not the
        config file's profiles; `open_fleet`: start on the fleet screen."""
        super().__init__()
        self.profile_name = profile_name
        self.profile = profile
        self.warnings = list(warnings)
        self._owns_client = client is None
        self.client = client or make_client(profile)
        self._server = server
        self.server_ready = server is None
        self.server_problem = ""
        self._fleet = fleet
        self._open_fleet = open_fleet
        self._first_page = first_page  # asked before the UI imported (core/first_page.py)
        self.triage_memory: TriageMemory | None = None  # made at the first triage (open_triage)
        self.cluster = UNKNOWN
        self._cluster_failures = 0
        self._cluster_loop: RefreshLoop | None = None
        self.activity = Activity(last_key=clock.now())
        self._apply_profile_settings()

    def _apply_profile_settings(self) -> None:
        profile = self.profile
        self.read_only = bool(profile.read_only)
        self.refresh_interval = max(MIN_REFRESH, float(profile.refresh_interval))
        self.refresh_policy: RefreshPolicy = DEFAULT_POLICY.with_interval(self.refresh_interval)
        self.page_size = page_size_of(profile)
        self.tz = zone(profile.timezone)
        if self.tz is UTC and profile.timezone and profile.timezone.upper() != "UTC":
            self.warnings.append(f"Unknown time zone {profile.timezone!r}; showing UTC.")

    def take_first_page(self, key: tuple) -> Future | None:
        """The first page asked while the UI was importing, if it is for `key`; once."""
        return self._first_page.take(key) if self._first_page is not None else None

    # ---- idle (core/refresh_policy.py): slow down while nobody looks, back at once on return

    @property
    def idle(self) -> bool:
        return self.activity.idle(self.refresh_policy, clock.now())

    async def on_event(self, event: events.Event) -> None:
        # A key or a click, before Textual forwards it to a screen (or runs an app binding).
        if isinstance(event, events.Key | events.MouseDown) and not event.is_forwarded:
            self._activity_changed(self.activity.key(self.refresh_policy, clock.now()))
        await super().on_event(event)

    def on_app_focus(self) -> None:
        self._activity_changed(self.activity.focus(True, self.refresh_policy, clock.now()))

    def on_app_blur(self) -> None:
        self.activity.focus(False, self.refresh_policy, clock.now())
        self._activity_changed(False)

    def _check_idle(self) -> None:
        """Ten minutes without a key makes the console idle without any event: tell the visible
        screen, whose header then says so (a blur says it at once, `on_app_blur`)."""
        if self.idle:
            self._activity_changed(False)

    def _activity_changed(self, woke: bool) -> None:
        """Tell the visible screen (its header says whether it is idle; on waking it refreshes
        at once): `ConsoleScreen.activity_changed`, which a live screen overrides."""
        if isinstance(self.screen, ConsoleScreen):
            self.screen.activity_changed(woke)

    # ---- start and stop

    def get_default_screen(self) -> Screen:
        return JobsScreen(self._last_form())

    @property
    def filter_key(self) -> str:
        """Where this server's last filter is remembered (core/state.py): by URL and profile.
        The demo's server gets a new port each run, so it is remembered as the demo."""
        if self.profile_name == DEMO_PROFILE:
            return DEMO_PROFILE
        return state.filter_key(self.profile_name, self.profile.url)

    def _last_form(self) -> FilterForm:
        return FilterForm.from_dict(state.load_last_filter(self.filter_key))

    def exit(self, *args: Any, **kwargs: Any) -> None:
        """Quit (q, ctrl+c, a fatal error), first wiping the alternate screen and its
        scrollback. Left painted, tmux hands the console's first frame back to the shell when
        the window grew while the console ran (80x24 -> 200x60, tmux 3.3): the shell's own
        output is pushed down under it. `less` leaves nothing behind; now neither do we
        (bench/terminal_restore.py checks it in a real tmux pane)."""
        driver = self._driver
        if driver is not None and not self.is_headless:
            driver.write(CLEAR_ALTERNATE_SCREEN)
            driver.flush()
        super().exit(*args, **kwargs)

    def on_mount(self) -> None:
        if self.profile.keymap:
            self.set_keymap(self.profile.keymap)
        if self.profile.theme in self.available_themes:
            self.theme = self.profile.theme
        elif self.profile.theme:
            themes = ", ".join(sorted(self.available_themes))
            self.warnings.append(f"Unknown theme {self.profile.theme!r}; using {self.theme}. "
                                 f"Themes: {themes}")
        for warning in self.warnings:
            self.notify(warning, title="Configuration", severity="warning", timeout=10)
        self.set_interval(IDLE_CHECK, self._check_idle, name="idle-check")
        if self._server is not None:
            self._wait_for_server()
        else:
            # After the first frame: its requests would otherwise go out (and import anyio's
            # backend) before the jobs' rows are painted (issue 15, docs/startup.md).
            self.call_after_refresh(self._watch_cluster)
        if self._open_fleet:
            self.action_fleet()

    class ServerStarted(Message):
        """The demo stub answered its start: its URL (the demo fleet's: a URL by name), or
        why it did not start."""

        def __init__(self, url: str | dict[str, str] | None, problem: str = "") -> None:
            super().__init__()
            self.url, self.problem = url, problem

    class LatestExecution(Message):
        """`l` on a job: its newest execution (None: it has none yet), or why it is unknown."""

        def __init__(self, job_id: int, execution: Execution | None,
                     error: ScaleError | None = None) -> None:
            super().__init__()
            self.job_id, self.execution, self.error = job_id, execution, error

    @work(group="server-start", exit_on_error=False)
    async def _wait_for_server(self) -> None:
        """Wait for the demo stub (worker); `on_scale_app_server_started` takes it from there."""
        try:
            url = await asyncio.wrap_future(self._server)
        except Exception as exc:
            self.post_message(self.ServerStarted(None, f"The demo server did not start: {exc}"))
            return
        self.post_message(self.ServerStarted(url))

    async def on_scale_app_server_started(self, message: ServerStarted) -> None:
        url = message.url
        if message.problem:
            self.server_problem = message.problem
            self.notify(self.server_problem, severity="error", timeout=30)
        if isinstance(url, dict):  # the demo fleet: every member's URL by name
            self._fleet = [replace(m, profile=m.profile.model_copy(update={"url": url[m.name]}))
                           if m.name in url else m for m in self._fleet or []]
            url = url.get(self.profile_name)
        old = self.client if url and self._owns_client else None
        if url:
            self.profile = self.profile.model_copy(update={"url": url})
            self.client = make_client(self.profile)
            self._owns_client = True
            self.server_ready = True
        # Every screen hears of it before anything is awaited: a screen mounting meanwhile
        # must never see the new URLs with server_ready still False.
        jobs = self.screen_stack[0] if self.screen_stack else None
        if isinstance(jobs, JobsScreen):
            jobs.server_started()
        if self.server_ready:
            self._watch_cluster()
        if _showing(self.screen, "scale_tui.screens.fleet", "FleetScreen"):
            self.screen.server_started()
        if old is not None:
            await old.aclose()

    def _handle_exception(self, error: Exception) -> None:
        """What got past every guard (widgets/guard.py) ends the console, as Textual does, with
        exit code 1 (`cli._exit_code`) and the traceback in the log file first."""
        log.critical("the console stops on an unexpected error", exc_info=error)
        super()._handle_exception(error)

    async def on_unmount(self) -> None:
        if self._owns_client:
            await self.client.aclose()

    # ---- navigation (the contract other screens call)

    def open_job(self, job_id: int) -> None:
        # lazy, measured (docs/startup.md): imported on first use, not at start
        from scale_tui.screens.job_details import JobDetailsScreen

        self.push_screen(JobDetailsScreen(int(job_id)))

    def open_execution(self, job_id: int, exe_num: int) -> None:
        # lazy, measured (docs/startup.md): imported on first use, not at start
        from scale_tui.screens.execution_details import ExecutionDetailsScreen

        self.push_screen(ExecutionDetailsScreen(int(job_id), int(exe_num)))

    def open_log(self, execution_id: int, *, job_id: int | None = None,
                 exe_num: int | None = None, title: str = "") -> None:
        if not title and job_id is not None and exe_num is not None:
            title = f"job {job_id} · execution {exe_num}"
        # lazy, measured (docs/startup.md): imported on first use, not at start
        from scale_tui.screens.log import LogScreen

        self.push_screen(LogScreen(int(execution_id), job_id=job_id, exe_num=exe_num,
                                   title=title))

    @work(group="open-log", exclusive=True, exit_on_error=False)
    async def open_latest_log(self, job_id: int) -> None:
        """`l` on a job: the log of its newest execution (executions are listed newest first).
        The worker asks; `on_scale_app_latest_execution` opens it or says why not."""
        try:
            page = await self.client.list_job_executions(job_id, page_size=1)
        except ScaleError as exc:
            self.post_message(self.LatestExecution(job_id, None, exc))
            return
        newest = page.results[0] if page.results else None
        self.post_message(self.LatestExecution(job_id, newest))

    def on_scale_app_latest_execution(self, message: LatestExecution) -> None:
        job_id, execution = message.job_id, message.execution
        if message.error is not None:
            self.notify(f"Cannot find the executions of job {job_id}: {message.error}",
                        severity="error")
        elif execution is None or execution.id is None:
            self.notify(f"Job {job_id} has no execution yet, so it has no log.")
        else:
            self.open_log(execution.id, job_id=job_id, exe_num=execution.exe_num)

    def show_jobs(self, **changes: Any) -> None:
        """Back to the jobs list with these filter fields changed (the others are kept)."""
        while not isinstance(self.screen, JobsScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        jobs = self.screen_stack[0]
        if isinstance(jobs, JobsScreen):
            jobs.set_form(jobs.form.with_changes(**changes))

    def open_triage(self) -> None:
        """The triage screen. Its window, grouping, sort and last result outlive it (per
        profile), so coming back from a group's jobs shows them at once, then refreshes."""
        # lazy, measured (docs/startup.md): imported on first use, not at start
        from scale_tui.screens.triage import TriageMemory, TriageScreen

        if isinstance(self.screen, TriageScreen):
            return
        if self.triage_memory is None:
            self.triage_memory = TriageMemory()
        self.push_screen(TriageScreen(self.triage_memory))

    def jump_to_jobs(self, **fields: str) -> None:
        """Back to the jobs list showing every job of a batch or recipe; see `JobsScreen.jump`."""
        while not isinstance(self.screen, JobsScreen) and len(self.screen_stack) > 1:
            self.pop_screen()
        jobs = self.screen_stack[0]
        if isinstance(jobs, JobsScreen):
            jobs.jump(**fields)

    def switch_profile(self, name: str, profile: Profile) -> None:
        """Talk to another server: new client, jobs screen reset to that profile's last filter.
        A profile that cannot be honoured (token_env unset, CA bundle missing) is refused and
        nothing changes: the console stays on the server it was on."""
        try:
            client = make_client(profile, name)
        except ConfigError as exc:
            self.notify(f"Not switched: {exc}", title="Profile", severity="error", timeout=15)
            return
        old, owned = self.client, self._owns_client
        self.profile_name, self.profile = name, profile
        self.client, self._owns_client = client, True
        self._apply_profile_settings()
        if profile.keymap:
            self.set_keymap(profile.keymap)
        if profile.theme in self.available_themes:
            self.theme = profile.theme
        if owned:
            self.run_worker(old.aclose(), exit_on_error=False)
        while len(self.screen_stack) > 1:
            self.pop_screen()
        self.triage_memory = None  # the other server's failures are not these
        jobs = self.screen_stack[0]
        if isinstance(jobs, JobsScreen):
            jobs.switch_server(self._last_form())
        self._show_cluster(UNKNOWN)  # another server: nothing known of it yet
        self._watch_cluster()
        self.notify(f"Now on profile {name!r}: {mask_url(profile.url)}", title="Profile")

    # ---- the cluster itself: version and scheduler, in every header

    def _watch_cluster(self) -> None:
        """(Re)start reading the server's version and scheduler state."""
        self._cluster_failures = 0
        if self._cluster_loop is None:
            self._cluster_loop = RefreshLoop(self, self._load_cluster, CHECK_INTERVAL,
                                             group="cluster-facts")
        self._cluster_loop.restart()

    async def _load_cluster(self) -> float:
        try:
            facts = await read_facts(self.client, self.cluster)
        except ScaleError as exc:
            # The screens' own refreshes say the server is down; the header keeps the last
            # facts it knew and they are read again on the one schedule.
            log.info("cluster facts: %s", exc)
            self._cluster_failures += 1
            return self.refresh_policy.with_interval(CHECK_INTERVAL).retry_in(
                self._cluster_failures)
        self._cluster_failures = 0
        self._show_cluster(facts)
        return max(CHECK_INTERVAL, self.refresh_policy.wait(idle=self.idle))  # idle: slower

    def _show_cluster(self, facts: ClusterFacts) -> None:
        if facts == self.cluster:
            return
        self.cluster = facts
        for screen in self.screen_stack:
            for header in screen.query(ConsoleHeader):
                header.show_cluster(facts.version, facts.scheduler_paused)

    def fleet_members(self) -> list[Member]:
        """The clusters of the fleet screen: the demo fleet, else every profile of the config
        file, else the current profile alone."""
        # lazy, measured (docs/startup.md): imported on first use, not at start
        from scale_tui.core.fleet import Member, configured_members

        if self._fleet is not None:
            return list(self._fleet)
        return configured_members() or [Member(self.profile_name, self.profile)]

    def action_fleet(self) -> None:
        # lazy, measured (docs/startup.md): imported on first use, not at start
        from scale_tui.screens.fleet import FleetScreen

        if not isinstance(self.screen, FleetScreen):
            self.push_screen(FleetScreen())

    # ---- toasts

    def notify(self, message: str, *, title: str = "", severity: Any = "information",
               timeout: float | None = None, markup: bool = True) -> None:
        """Every toast of the console (screens' and widgets' ``notify`` come here): plain text,
        never markup, whatever the caller says, and through the one boundary, since a message
        may quote the server (an error ``detail``, a job type, a redirect URL)."""
        super().notify(display_text(message, newlines=True), title=display_text(title),
                       severity=severity, timeout=timeout, markup=False)

    # ---- help and palette

    def action_help(self) -> None:
        # lazy, measured (docs/startup.md): imported on first use, not at start
        from scale_tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        yield from super().get_system_commands(screen)
        yield SystemCommand("Help: keys of this screen", "Every key of the current screen",
                            self.action_help)
        yield SystemCommand("Fleet: every cluster at a glance",
                            "State, version, scheduler and failures of every profile",
                            self.action_fleet)
        yield SystemCommand("Triage: failed jobs grouped", "What is failing in a time window, "
                            "grouped by error, job type, node or category", self.open_triage)
