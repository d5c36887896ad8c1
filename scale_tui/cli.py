"""`scale-tui`: the console, `--demo` on a bundled stub, and the non-interactive subcommands.

The subcommands never import textual: the console's modules are imported only when the console
runs (below, inside `run_console`), so `scale-tui jobs` starts without loading the UI. Nothing
here prints a traceback at a user: failures are one line on stderr.

Fail closed: explicit input that cannot be honoured (a bad --url, an unknown --profile, an unset
token_env variable, a config file that cannot be read) exits 2 with one line, before any
request, for the console and the scripts alike (`ConfigError`, core/config.py).
"""

from __future__ import annotations

import gc

# No cyclic garbage collection while this module's own imports run (the config, the scripts'
# parsers, the api package, httpx): like the UI's import (`_no_collection`), they allocate
# long-lived objects and no garbage. At the end of this module what they made is frozen (out of
# the collector's reach: module objects live as long as the process) and the collector is on
# again, so an importer (a test, a script) never runs without it (docs/startup.md).
_COLLECTING = gc.isenabled()
gc.disable()

import argparse
import contextlib
import logging
import sys
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from scale_tui.core import locations
from scale_tui.core.config import (
    DEMO_PROFILE,
    ConfigError,
    Profile,
    resolve_profile,
    run_config_command,
)
from scale_tui.core.sanitize import display_text
from scale_tui.scripts import fleet as fleet_script
from scale_tui.scripts import subcommands
from scale_tui.scripts.arguments import add_connection_arguments, exit_codes

DEMO_JOBS = 2000  # enough to page and filter, small enough to seed in a blink
DEMO_SEED = 42
# `--demo --fleet`: three clusters of different sizes, one with its scheduler paused.
DEMO_FLEET = (
    ("demo-east", {"jobs": DEMO_JOBS, "seed": DEMO_SEED, "simulate": True}),
    ("demo-west", {"jobs": 800, "seed": 7, "simulate": True}),
    ("demo-lab", {"jobs": 300, "seed": 3, "simulate": True, "paused": True}),
)
SCRIPT_COMMANDS = ("jobs", "job", "log", "cancel", "requeue", "triage")
BAD_INPUT = 2


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="scale-tui",
        description="A terminal console for Scale clusters (v6 REST API).",
        epilog="Keys: ? in the console lists every key of the current screen.",
    )
    add_connection_arguments(parser)
    parser.add_argument("--demo", action="store_true",
                        help="start a bundled stub Scale (simulated jobs) and open the console "
                             "on it")
    parser.add_argument("--fleet", action="store_true",
                        help="open on the fleet screen (every configured cluster); with --demo, "
                             "three demo clusters")
    parser.add_argument("--log-file", metavar="PATH",
                        help="write the console's log here (default: scale-tui.log in the "
                             "state dir)")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    config = subparsers.add_parser(
        "config", help="where the config file is; the effective profile",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=exit_codes("0  printed", "1  show: the file has warnings (cosmetic settings "
                          "ignored)", "2  the config cannot be used (file, profile, flags)"))
    config.add_argument("config_command", choices=("path", "show"))
    add_connection_arguments(config, defaults=False)
    subcommands.add_parsers(subparsers)
    fleet_script.add_parser(subparsers)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "config":
            return run_config_command(args)
        if args.command in SCRIPT_COMMANDS:
            return _run_script_command(args)
        if args.command == "fleet":
            return _run_fleet_command(args)
        return run_console(args)
    except ConfigError as exc:
        prefix = f"scale-tui {args.command}" if args.command else "scale-tui"
        print(f"{prefix}: {exc}", file=sys.stderr)
        return BAD_INPUT
    except KeyboardInterrupt:
        return 130


def _run_script_command(args: argparse.Namespace) -> int:
    _name, profile, warnings = _resolve(args)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    return subcommands.run(args, profile)


def _run_fleet_command(args: argparse.Namespace) -> int:
    from scale_tui.core.fleet import Member, configured_members  # only `fleet` needs it

    name, profile, warnings = _resolve(args)
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    members = configured_members()
    if members and (args.url or args.token):
        # Fail closed: which of the fleet's clusters would the flag have been meant for?
        print("scale-tui fleet: --url and --token do not apply: the fleet is every profile of "
              "the config file", file=sys.stderr)
        return 2
    return fleet_script.run(args, members or [Member(name, profile)])


def _resolve(args: argparse.Namespace) -> tuple[str, Any, list[str]]:
    return resolve_profile(args.profile, url=args.url, token=args.token,
                           read_only=args.read_only or None)


def run_console(args: argparse.Namespace) -> int:
    if args.demo:
        demo = _demo_profile(args)  # before anything starts: a refused flag starts nothing
        _setup_logging(args.log_file)
        return _run_demo(demo, with_fleet=args.fleet)
    with _no_collection():  # from here to the running UI (and the first page's thread)
        name, profile, warnings = _resolve(args)  # a ConfigError stops here, before a request
        _setup_logging(args.log_file)
        # Ask for the first page now, in a thread: it travels while textual imports (issue 15).
        from scale_tui.core.first_page import FirstPage  # the console's only: not for a script

        first_page = None if args.fleet else FirstPage.start(name, profile)
        # Lazy on purpose: textual is loaded only when the console runs, never for a script.
        from scale_tui.app import ScaleApp, freeze_startup_heap

        app = ScaleApp(name, profile, warnings=warnings, open_fleet=args.fleet,
                       first_page=first_page)
        freeze_startup_heap()
    app.run()
    return _exit_code(app)


@contextlib.contextmanager
def _no_collection():
    """No cyclic garbage collection while the console starts and the UI imports (issue 15; the
    module's own imports likewise, see its top): the UI allocates tens of thousands of objects
    that live as long as the process and makes no garbage, and the collector's passes over them
    cost 30-50 ms of CPU per start (docs/startup.md). The heap is frozen before collection
    resumes (freeze_startup_heap)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _demo_profile(args: argparse.Namespace) -> Profile:
    """The demo's own profile: built-in defaults, never the user's profiles or SCALE_TUI_*
    (a read-only production profile must not make the demo read-only, nor its token reach the
    stub). Only --read-only applies; flags that name another server are refused."""
    given = [flag for flag, value in (("--profile", args.profile), ("--url", args.url),
                                      ("--token", args.token)) if value]
    if given:
        raise ConfigError(f"--demo runs its own server; {', '.join(given)} cannot apply to it")
    return Profile(url="http://127.0.0.1", read_only=bool(args.read_only))


def _run_demo(demo: Profile, *, with_fleet: bool = False) -> int:
    # The stub needs about a second to start (its own interpreter, FastAPI, seeding); the
    # console opens meanwhile and starts loading when the URL arrives.
    url: Future[Any] = Future()
    started: dict[str, Any] = {}

    def spawn() -> None:
        try:
            # Lazy on purpose: only the demo needs the stub (FastAPI, uvicorn).
            from server_stub.runner import spawn_stub, spawn_stubs

            if with_fleet:  # three clusters in one child process
                started["stub"] = spawn_stubs([config for _name, config in DEMO_FLEET])
                url.set_result(dict(zip((name for name, _config in DEMO_FLEET),
                                        started["stub"].urls, strict=True)))
            else:
                started["stub"] = spawn_stub(jobs=DEMO_JOBS, seed=DEMO_SEED, simulate=True)
                url.set_result(started["stub"].url)
        except BaseException as exc:  # shown in the console, in words
            url.set_exception(exc)

    # Start multiprocessing's resource tracker now: started later from the thread, it would
    # pass sys.stderr's descriptor to its child, and the running console has replaced
    # sys.stderr with an object without one ("bad value(s) in fds_to_keep").
    from multiprocessing import resource_tracker

    resource_tracker.ensure_running()
    thread = threading.Thread(target=spawn, name="demo-stub", daemon=True)
    thread.start()
    try:
        with _no_collection():
            # Lazy on purpose: textual is loaded only when the console runs, never for a script.
            from scale_tui.app import ScaleApp, freeze_startup_heap
            from scale_tui.core.fleet import Member

            name, fleet = DEMO_PROFILE, None
            if with_fleet:
                fleet = [Member(member, demo, from_config=False)
                         for member, _config in DEMO_FLEET]
                name = fleet[0].name
            app = ScaleApp(name, demo, server=url, fleet=fleet, open_fleet=with_fleet)
            freeze_startup_heap()
        app.run()
    finally:
        # Also on ctrl+c and on a crash (the child also exits by itself if we are killed).
        thread.join()
        if "stub" in started:
            started["stub"].stop()
    return _exit_code(app)


def _exit_code(app: Any) -> int:
    """0 after a quit; non-zero when the console ended on an error (Textual sets 1) or never
    got to say how it ended, with a line saying where the traceback is."""
    code = app.return_code
    if code is None:
        code = 1
    if code:
        from scale_tui.widgets.guard import log_file  # loaded with the app already

        print(f"scale-tui: the console stopped on an error (exit {code}); details in "
              f"{log_file()}", file=sys.stderr)
    return code


class InertFormatter(logging.Formatter):
    """The log file is read with ``tail -f`` and ``less`` on a terminal, and its messages and
    tracebacks quote the server (an error's detail): the one boundary, lines kept."""

    def format(self, record: logging.LogRecord) -> str:
        return display_text(super().format(record), newlines=True, limit=None)


def _setup_logging(path: str | None) -> None:
    """Log to a file, never to the terminal the console draws on. Unexpected errors write
    their traceback here, and the console's messages name this file (widgets/guard.py)."""

    from scale_tui.core.log_file import PrivateLogFile  # the console's only: not for a script

    target = Path(path) if path else locations.state_dir() / "scale-tui.log"
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handler: logging.Handler = PrivateLogFile(target, maxBytes=1_000_000, backupCount=1,
                                                  encoding="utf-8", errors="backslashreplace")
    except OSError:
        handler = logging.NullHandler()
    handler.setFormatter(InertFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger("scale_tui")
    root.addHandler(handler)
    root.setLevel(logging.INFO)


if _COLLECTING:  # this module's imports are done (see the top)
    # Frozen first: else the first collections walk every object the imports made (once per
    # generation they pass through), ~100 ms of a script's CPU (issue 15, docs/startup.md).
    gc.freeze()
    gc.enable()

if __name__ == "__main__":
    sys.exit(main())
