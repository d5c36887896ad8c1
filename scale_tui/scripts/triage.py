"""`scale-tui triage`: the failed jobs of a window, grouped, as the console's triage screen shows
them (the same window rules, query, cap and grouping: scale_tui.core.triage).

Exit 0 also when nothing failed (JSON: an empty list); 1 the server failed; 2 bad input.
"""

from __future__ import annotations

import argparse
import csv
import sys
from typing import TYPE_CHECKING, Any

from scale_tui.api import ScaleClient
from scale_tui.core import clock
from scale_tui.core.sanitize import display_text
from scale_tui.scripts.arguments import add_connection_arguments
from scale_tui.scripts.output import Printer

if TYPE_CHECKING:
    from scale_tui.core import triage

OK = 0
# core/triage.py is imported when `triage` runs, not by every script's start (issue 15): the
# parser checks --sort against its SORTS only when the flag is given.
SORT_HELP = "order of the groups: count (default), last, first or name"


def _sort_order(value: str) -> str:
    from scale_tui.core import triage

    if value not in triage.SORTS:
        raise argparse.ArgumentTypeError(f"choose from {', '.join(triage.SORTS)}")
    return value


def add_parser(subparsers: Any) -> None:
    text = "failed jobs of a time window, grouped by error, job type, node or category"
    parser = subparsers.add_parser("triage", help=text, description=text)
    parser.add_argument("--output", "-o", choices=("table", "json", "csv"), default="table")
    add_connection_arguments(parser, defaults=False)
    parser.add_argument("--since", metavar="WHEN",
                        help="window start: 1h, 6h, 24h (default), 7d, 90m, PT6H, an ISO time, "
                             "or START/END")
    parser.add_argument("--until", metavar="WHEN", help="window end (default now; same forms)")
    parser.add_argument("--by", metavar="GROUPING",
                        help="error, job-type, node or category; several with commas "
                             "(default: error,job-type)")
    parser.add_argument("--sort", type=_sort_order, default="count", metavar="ORDER",
                        help=SORT_HELP)
    parser.add_argument("--cap", type=int, metavar="N",
                        help="read at most N failed jobs, newest first (default: the profile's "
                             "triage_cap, 50000)")


async def run_triage(scale: ScaleClient, args: argparse.Namespace, profile: Any,
                     p: Printer) -> int:
    from scale_tui.core import triage

    grouping = triage.parse_grouping(args.by)
    window = triage.parse_triage_window(args.since, args.until, now=clock.now())
    cap = args.cap if args.cap is not None else getattr(profile, "triage_cap", triage.DEFAULT_CAP)
    failures = await triage.load_failures(scale, window, cap=cap)
    groups = triage.group_failures(failures.jobs, window, grouping, sort=args.sort)
    counted = len(failures.jobs)
    if args.output == "json":
        p.data([g.to_json(counted) for g in groups])
    elif args.output == "csv":
        _csv(groups, counted, grouping, p)
    elif not groups:
        p.note(f"No failed jobs from {p.when(window.start)} to {p.when(window.end)}.")
    else:
        p.table(["COUNT", "SHARE", *[d.upper().replace("-", " ") for d in grouping],
                 "FIRST", "LAST", "EXAMPLE JOB"],
                [[str(g.count), f"{g.share(counted):.0%}",
                  *[g.dimension_text(d) for d in grouping], p.time(g.first), p.time(g.last),
                  str(g.example_job_id)] for g in groups])
        words = triage.trend(failures.total, failures.previous_total)
        p.note(f"{failures.total} failed jobs from {p.when(window.start)} to "
               f"{p.when(window.end)}" + (f"; {words}" if words else ""))
    if failures.cut_at is not None:
        p.note(f"warning: {failures.total} failed jobs in the window; only the newest {counted} "
               f"were read (--cap), so failures before {p.when(failures.cut_at)} are not counted")
    return OK


def _csv(groups: list[triage.Group], counted: int, grouping: tuple[str, ...],
         p: Printer) -> None:
    from scale_tui.core import triage

    columns = []
    if triage.JOB_TYPE in grouping:
        columns += ["job_type_id", "job_type_name", "job_type_version"]
    if triage.ERROR in grouping:
        columns += ["error_id", "error_name", "error_title", "error_category"]
    if triage.NODE in grouping:
        columns += ["node_id", "node_hostname"]
    if triage.CATEGORY in grouping:
        columns += ["category"]
    columns += ["count", "share", "first", "last", "example_job_id"]
    writer = csv.writer(p.out if p.out is not None else sys.stdout, lineterminator="\n")
    writer.writerow(columns)
    for group in groups:
        data = group.to_json(counted)
        row = []
        for name in columns:
            head, _, rest = name.partition("_")
            if name.startswith("job_type_"):
                row.append((data.get("job_type") or {}).get(name.removeprefix("job_type_")))
            elif head in ("error", "node") and rest:
                row.append((data.get(head) or {}).get(rest))
            else:
                row.append(data.get(name))
        writer.writerow(["" if v is None else display_text(v) for v in row])
