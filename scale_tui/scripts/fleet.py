"""`scale-tui fleet`: every configured cluster checked once, at once, in a table or JSON.

The same check as the console's fleet screen (`scale_tui/core/fleet.py`): one entry per
profile, each bounded by its profile's timeout, so the command returns within the longest
timeout however many clusters hang.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from typing import TYPE_CHECKING, Any, TextIO

from scale_tui.core import clock
from scale_tui.core.formatting import format_short_time, sparkline
from scale_tui.scripts.arguments import add_connection_arguments, exit_codes
from scale_tui.scripts.output import Printer

if TYPE_CHECKING:
    from scale_tui.core import fleet

ALL_ANSWERED, SOME_DID_NOT = 0, 3

HELP = """\
Checks every profile of the config file (or, with none there, the effective profile) at once:
state (live, offline, 403, tls, timeout, error), Scale version, whether the scheduler is
paused, RUNNING, QUEUED and FAILED in the last hour, the last 24 hours' failures and the
latency of GET /v6/version/. Each cluster's check is bounded by its profile's timeout, so the
command returns within the longest timeout however many clusters hang."""


def add_parser(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "fleet", help="check every configured cluster at once", description=HELP,
        epilog=exit_codes("0  every cluster answered",
                          "2  bad input or refused: the config file, --url/--token with "
                          "configured profiles",
                          "3  some cluster did not answer (its entry says why)"),
        formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", "-o", choices=("table", "json"), default="table",
                        help="table or json (default table)")
    add_connection_arguments(parser, defaults=False)


def run(args: argparse.Namespace, members: list[fleet.Member], *,
        out: TextIO | None = None, err: TextIO | None = None) -> int:
    # Here, not at the top: every `scale-tui` start builds this parser, only `fleet` checks.
    from scale_tui.core import fleet

    out, err = out or sys.stdout, err or sys.stderr
    p = Printer(out, err, args, members[0].profile if members else None)
    statuses = asyncio.run(fleet.check_all(members, now=clock.now()))
    if p.json:
        p.data(fleet.as_json(statuses))
    else:
        now = clock.now()
        p.table(["PROFILE", "STATE", "VERSION", "SCHEDULER", "RUNNING", "QUEUED", "FAILED 1H",
                 "FAILURES 24H", "LAST FAILURE", "LATENCY", "URL"],
                [_row(status, now, p) for status in statuses])
        for status in statuses:
            if status.error:
                p.note(f"{status.profile}: {status.error}")  # note() sanitises
        p.note(fleet.summary(statuses))
    return ALL_ANSWERED if all(status.live for status in statuses) else SOME_DID_NOT


def _row(status: fleet.ClusterStatus, now, p: Printer) -> list[str]:
    def number(value: int | None) -> str:
        return "-" if value is None else str(value)

    scheduler = "-" if status.scheduler_paused is None else (
        "PAUSED" if status.scheduler_paused else "running")
    profile = status.profile + (" (read-only)" if status.read_only else "")
    return [
        profile, status.state, status.version or "-", scheduler, number(status.running),
        number(status.queued), number(status.failed_1h),
        sparkline(status.failures_24h) or "-",
        format_short_time(status.last_failure, now, p.zone) if status.last_failure else "-",
        "-" if status.latency_ms is None else f"{status.latency_ms:.0f} ms", status.url,
    ]
