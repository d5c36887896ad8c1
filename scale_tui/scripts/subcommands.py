"""Non-interactive subcommands for scripts: ``jobs``, ``job``, ``log``, ``cancel``, ``requeue``.

kubectl beside k9s: the same filters as the console, newest first by default (the console's
order), ``--output table|wide|json|csv`` for ``jobs``, ids checked locally (positive whole
numbers), and exit codes a script can branch on, printed in each subcommand's ``--help``: 0 done,
1 the server or network failed (one line on stderr), 2 bad input or refused (a flag, the config,
read-only, an action without ``--yes``), 3 not found (no such job; cancel/requeue: an id that
does not exist, or nothing the action would change — nothing is sent).

Cancel and requeue plan, count and send through ``core/action_plan.py``, as the console's
dialog does; a request with no filter at all (every job on the server) needs ``--all-jobs`` as
well as ``--yes``.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
from collections.abc import Callable
from typing import Any, TextIO

from scale_tui.api import (
    LOG_PAGE_CAP,
    LOG_STREAMS,
    InvalidFilter,
    JobFilter,
    LogFollower,
    NotFound,
    ScaleClient,
    ScaleError,
)
from scale_tui.core.connect import ConfigError, make_client
from scale_tui.core.filter_form import DEFAULT_ORDER, order_values
from scale_tui.core.formatting import format_duration
from scale_tui.core.log_status import POLL_INTERVAL
from scale_tui.core.sanitize import display_text
from scale_tui.scripts.arguments import add_connection_arguments, exit_codes, positive_int
from scale_tui.scripts.output import (
    JOB_COLUMNS,
    WIDE_COLUMNS,
    Printer,
    dump,
    job_csv_row,
    job_row,
    print_line,
)
from scale_tui.scripts.triage import add_parser as add_triage_parser
from scale_tui.scripts.triage import run_triage

OK, API_ERROR, BAD_INPUT, NOT_FOUND = 0, 1, 2, 3
COMMON_EXITS = ("1  the server or the network failed (one line on stderr)",
                "2  bad input or refused: a flag, the config file, the profile (nothing is sent)")
EXITS = {
    "jobs": ("0  listed (also when no job matches; stderr says so)", *COMMON_EXITS),
    "job": ("0  shown", *COMMON_EXITS, "3  no job with that id"),
    "log": ("0  printed (with --follow: the execution ended)", *COMMON_EXITS,
            "3  no such execution or job"),
    "cancel": ("0  accepted by Scale (it applies the change within moments)", *COMMON_EXITS[:1],
               "2  bad input or refused: a flag, the config, a read-only profile, no --yes, no "
               "filter without --all-jobs (nothing is sent)",
               "3  a --job id does not exist, or nothing matches that the action would change "
               "(nothing is sent)"),
}
EXITS["requeue"] = EXITS["cancel"]
JOBS_OUTPUTS = ("table", "wide", "json", "csv")
FOLLOW_INTERVAL = POLL_INTERVAL  # seconds between log polls: the console's


def add_parsers(subparsers: Any) -> None:
    """Add ``jobs``, ``job``, ``log``, ``cancel`` and ``requeue`` to the ``scale-tui`` parser."""
    jobs = _sub(subparsers, "jobs", "list jobs, newest first (same filters as the console)",
                outputs=JOBS_OUTPUTS)
    _filter_arguments(jobs)
    jobs.add_argument(
        "--order",
        action="append",
        metavar="FIELD",
        help="sort field, '-' for descending (repeatable); default -last_modified, as the "
        "console",
    )
    jobs.add_argument("--page", type=positive_int, default=1, help="page number (default 1)")
    jobs.add_argument("--page-size", type=int, metavar="N", help="jobs per page, 1-1000")
    jobs.add_argument("--all", action="store_true", dest="all_pages", help="every page")

    job = _sub(subparsers, "job", "show one job and its executions")
    job.add_argument("job_id", type=positive_int, metavar="JOB_ID")

    log = _sub(subparsers, "log", "print (or follow) an execution's log")
    log.add_argument(
        "execution_id",
        type=positive_int,
        nargs="?",
        metavar="EXECUTION_ID",
        help="the execution's id (not the job id); or use --job",
    )
    log.add_argument(
        "--job",
        type=positive_int,
        dest="log_job",
        metavar="JOB_ID",
        help="the job's latest execution (follow stops when it ends)",
    )
    log.add_argument("--stream", choices=LOG_STREAMS, default="combined")
    log.add_argument("--since", metavar="WHEN", help="only lines since WHEN (1h, PT6H, ISO time)")
    log.add_argument("--follow", "-f", action="store_true", help="keep printing new lines")
    log.add_argument("--timestamps", action="store_true", help="prefix each line with its time")
    log.add_argument(
        "--raw",
        action="store_true",
        help="print messages exactly as the server sent them, control characters and all "
        "(refused when stdout is a terminal; without it they are shown as visible escapes)",
    )

    for name, verb in (("cancel", "cancel"), ("requeue", "requeue")):
        action = _sub(subparsers, name, f"{verb} jobs by filter or by --job")
        _filter_arguments(action)
        action.add_argument("--yes", action="store_true", help=f"really {verb} (required)")
        action.add_argument(
            "--all-jobs",
            action="store_true",
            help=f"allow a {verb} with no filter at all: every job on the server",
        )
        if name == "requeue":
            action.add_argument(
                "--priority", type=positive_int,
                help="queue priority, at least 1; lower runs sooner"
            )
    add_triage_parser(subparsers)
    triage = subparsers.choices.get("triage")
    if triage is not None and not triage.epilog:
        triage.formatter_class = argparse.RawDescriptionHelpFormatter
        triage.epilog = exit_codes("0  grouped (also when nothing failed)", *COMMON_EXITS)


def _sub(subparsers: Any, name: str, help_text: str,
         outputs: tuple[str, ...] = ("table", "json")) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text,
                                   epilog=exit_codes(*EXITS[name]),
                                   formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--output", "-o", choices=outputs, default="table",
                        help=f"{', '.join(outputs)} (default table)")
    # --url/--token/--profile also after the subcommand, as for `config`
    add_connection_arguments(parser, defaults=False)
    return parser


def _filter_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--status", action="append", metavar="STATUS", help="job status (repeatable)")
    add(
        "--job",
        action="append",
        type=positive_int,
        dest="job_ids",
        metavar="JOB_ID",
        help="job id (repeatable)",
    )
    add("--job-type", action="append", metavar="NAME", help="job type name (repeatable)")
    add("--since", metavar="WHEN", help="last modified since: 1h, 7d, PT6H or an ISO time")
    add("--until", metavar="WHEN", help="last modified until (same forms)")
    add("--error-category", action="append", metavar="CAT", help="SYSTEM, ALGORITHM or DATA")
    add("--batch", action="append", type=positive_int, metavar="ID",
        help="batch id (repeatable)")
    add("--recipe", action="append", type=positive_int, metavar="ID",
        help="recipe id (repeatable)")
    add("--superseded", choices=("yes", "no", "all"), default="all")


def job_filter(args: argparse.Namespace) -> JobFilter:
    """The JobFilter the flags describe (commas split too: ``--status FAILED,RUNNING``)."""

    def many(name: str) -> list[str]:
        return [v.strip() for item in getattr(args, name, None) or [] for v in item.split(",")]

    return JobFilter(
        status=many("status"),
        job_id=getattr(args, "job_ids", None) or [],
        job_type_name=many("job_type"),
        error_category=many("error_category"),
        batch_id=getattr(args, "batch", None) or [],
        recipe_id=getattr(args, "recipe", None) or [],
        order=many("order"),
        is_superseded={"yes": True, "no": False}.get(getattr(args, "superseded", "all")),
        started=getattr(args, "since", None),
        ended=getattr(args, "until", None),
    )


def run(
    args: argparse.Namespace, profile: Any, *, out: TextIO | None = None, err: TextIO | None = None
) -> int:
    """Run the subcommand ``args.command`` against ``profile``; returns the exit code."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        return asyncio.run(_run(args, profile, out, err))
    except InvalidFilter as exc:
        _fail(args, err, _in_flags(str(exc)))
        return BAD_INPUT
    except ConfigError as exc:
        _fail(args, err, str(exc))
        return BAD_INPUT
    except NotFound as exc:
        _fail(args, err, str(exc))
        return NOT_FOUND
    except ScaleError as exc:
        _fail(args, err, str(exc))
        return API_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `scale-tui jobs | head`
        return OK


def _fail(args: argparse.Namespace, err: TextIO, message: str) -> None:
    # The message may quote the server (a `detail`, a redirect) or echo what was typed: the
    # same boundary as stdout (scale_tui/core/sanitize.py).
    print(f"scale-tui {args.command}: {display_text(message, limit=None)}", file=err)


async def _run(args: argparse.Namespace, profile: Any, out: TextIO, err: TextIO) -> int:
    handler = _HANDLERS[args.command]
    one_at_a_time = args.command in _ONE_REQUEST_AT_A_TIME
    if one_at_a_time and threading.current_thread() is threading.main_thread():
        # Ctrl-C stops at once, even inside a request that blocks the loop (asyncio's own
        # handler would only cancel the task, which waits for that request's timeout).
        signal.signal(signal.SIGINT, signal.default_int_handler)
    # The console's one way from a profile to a client (core/connect.py).
    async with make_client(profile, blocking=one_at_a_time) as scale:
        return await handler(scale, args, profile, Printer(out, err, args, profile))


# Commands that never have two requests in flight: their client is a blocking one
# (api/http.py BlockingTransport), which spares the start anyio's import (~30-50 ms of a
# ~250 ms run, issue 15). cancel and requeue count each status at once (core/action_plan.py),
# so they keep the async transport.
_ONE_REQUEST_AT_A_TIME = frozenset({"jobs", "job", "log", "triage"})


# Messages name the API field; a CLI user typed a flag.
_FLAGS = {
    "started": "--since", "ended": "--until", "job_type_name": "--job-type", "job_id": "--job",
    "error_category": "--error-category", "status": "--status", "order": "--order",
    "page_size": "--page-size", "page": "--page", "priority": "--priority", "stream": "--stream",
    "since": "--since", "until": "--until", "by": "--by", "cap": "--cap",
}  # fmt: skip


def _in_flags(message: str) -> str:
    field, sep, rest = message.partition(":")
    return f"{_FLAGS[field]}{sep}{rest}" if sep and field in _FLAGS else message


async def _jobs(scale: ScaleClient, args: argparse.Namespace, profile: Any, p: Printer) -> int:
    jf = job_filter(args)
    if not jf.order:  # newest first, exactly as the console lists them
        jf = jf.replace(order=order_values(DEFAULT_ORDER))
    page_size = args.page_size if args.page_size is not None else getattr(profile, "page_size", 100)
    if args.all_pages:
        jobs = [job async for job in scale.iter_jobs(jf, page_size=page_size)]
        count = len(jobs)
    else:
        page = await scale.list_jobs(jf, page=args.page, page_size=page_size)
        jobs, count = page.results, page.count
    if p.json:
        p.data({"count": count, "results": [dump(job) for job in jobs]})
    elif args.output == "csv":
        p.csv(WIDE_COLUMNS, [job_csv_row(job) for job in jobs])
    elif not jobs:
        p.note(f"No jobs match: {jf.describe(p.zone)}")
    else:
        wide = args.output == "wide"
        p.table(WIDE_COLUMNS if wide else JOB_COLUMNS, [job_row(job, p, wide) for job in jobs])
        if count > len(jobs):
            p.note(f"{len(jobs)} of {count} jobs (page {args.page}); --all for every page")
    return OK


async def _job(scale: ScaleClient, args: argparse.Namespace, profile: Any, p: Printer) -> int:
    job = await scale.get_job(args.job_id)
    executions = (await scale.list_job_executions(args.job_id, page_size=1000)).results
    if p.json:
        p.data(dump(job) | {"executions": [dump(e) for e in executions]})
        return OK
    facts = [
        ("Job", str(job.id)), ("Status", job.status or "-"), ("Job type", job.job_type_label),
        ("Error", job.error_text or "-"), ("Node", job.node.hostname if job.node else "-"),
        ("Created", p.when(job.created)), ("Queued", p.when(job.queued)),
        ("Started", p.when(job.started)), ("Ended", p.when(job.ended)),
        ("Last modified", p.when(job.last_modified)), ("Duration", format_duration(job.duration)),
        ("Executions", f"{job.num_exes or 0} of at most {job.max_tries or '-'}"),
    ]  # fmt: skip
    if job.error and job.error.description:
        facts.insert(4, ("", job.error.description))
    if job.recipe:
        facts.append(("Recipe", str(job.recipe.id)))
    if job.batch:
        facts.append(("Batch", f"{job.batch.id} {job.batch.title or ''}".rstrip()))
    if job.is_superseded:
        facts.append(("Superseded", p.when(job.superseded)))
    p.facts(facts)
    if executions:
        p.line()
        p.table(
            ["EXE", "EXECUTION ID", "STATUS", "NODE", "STARTED", "ENDED", "DURATION", "ERROR"],
            [
                [
                    str(e.exe_num or "-"),
                    str(e.id),
                    e.status or "-",
                    e.node.hostname if e.node and e.node.hostname else "-",
                    p.time(e.started),
                    p.time(e.ended),
                    format_duration(e.duration),
                    e.error_text or "-",
                ]
                for e in executions
            ],
        )
        p.note(f"log: scale-tui log {executions[0].id}")
    return OK


async def _log(scale: ScaleClient, args: argparse.Namespace, profile: Any, p: Printer) -> int:
    if (args.execution_id is None) == (args.log_job is None):
        raise InvalidFilter("give either an EXECUTION_ID or --job JOB_ID")
    if args.raw and (p.json or _is_terminal(p.out)):
        raise InvalidFilter("--raw: only with table output to a pipe or file, never a terminal "
                            "(a log can hold escape sequences that drive the terminal)")
    still_running: Callable[[], Any] | None = None
    execution_id = args.execution_id
    if args.log_job is not None:
        job = await scale.get_job(args.log_job)
        newest = job.execution or next(
            iter((await scale.list_job_executions(job.id, page_size=1)).results), None
        )
        if newest is None or newest.id is None:
            p.note(f"Job {job.id} has no execution yet ({job.status}).")
            return OK
        execution_id, exe_num = newest.id, newest.exe_num

        async def still_running() -> bool:
            execution = await scale.get_job_execution(job.id, exe_num)
            if execution.status == "RUNNING":
                return True
            p.note(f"Execution {execution_id} (job {job.id}, exe {exe_num}) ended: "
                   f"{execution.status}.")  # fmt: skip
            return False

    since = JobFilter.parse_time(args.since, field="since") if args.since else None
    # One page per poll, printed at once: a long log streams out instead of piling up.
    follower = LogFollower(scale, execution_id, args.stream, started=since, max_pages_per_poll=1)
    reported = 0
    while True:
        for line in await follower.poll():
            print_line(line, args, p)
        for moment in follower.skipped[reported:]:
            p.note(
                f"warning: over {LOG_PAGE_CAP:,} lines share the time {p.when(moment)}; "
                "Scale cannot return the rest of them"
            )
        reported = len(follower.skipped)
        if not follower.caught_up:
            continue
        if not args.follow:
            return OK
        if still_running is not None and not await still_running():
            # The execution ended: one last look for lines written just before the end.
            for line in await follower.poll():
                print_line(line, args, p)
            if follower.caught_up:
                return OK
            continue
        await asyncio.sleep(FOLLOW_INTERVAL)


async def _act(scale: ScaleClient, args: argparse.Namespace, profile: Any, p: Printer) -> int:
    """Cancel or requeue: planned, counted and sent by core/action_plan.py, as in the console."""
    # Imported here: only cancel and requeue need it, `jobs` starts without it (issue 15).
    from scale_tui.core.action_plan import (
        accepted_summary,
        affected,
        count_statuses,
        effect_lines,
        missing_job_ids,
        plan_for_filter,
        send_requests,
    )

    verb = args.command
    if getattr(profile, "read_only", False):
        p.note(f"scale-tui {verb}: this profile is read-only; nothing was sent")
        return BAD_INPUT
    jf = job_filter(args)
    priority = getattr(args, "priority", None)
    if jf.is_empty() and not args.all_jobs:
        p.note(
            f"scale-tui {verb}: no filter given: this would {verb} EVERY job on the server. "
            "Give a filter, or --all-jobs (with --yes) if you mean it."
        )
        return BAD_INPUT
    # refuses what a body cannot say, before sending
    plan = plan_for_filter(verb, jf, priority, p.zone)
    missing = await missing_job_ids(scale, jf.job_id) if jf.job_id else []
    if missing:
        ids = ", ".join(str(i) for i in missing)
        p.note(f"scale-tui {verb}: no job {ids} on this server; nothing was sent")
        return NOT_FOUND
    tally = await count_statuses(scale, plan)
    matching, changed = sum(tally.values()), affected(verb, tally)
    effect = " ".join(effect_lines(verb, tally))
    if not changed:
        why = f"no job matches {jf.describe(p.zone)}" if not matching else effect
        p.note(f"scale-tui {verb}: {why}; nothing was sent")
        return NOT_FOUND
    if not args.yes:
        p.note(f"Would {verb} {plan.target} ({matching} matching now): {effect} "
               "Add --yes to do it.")
        return BAD_INPUT
    async for _sent in send_requests(scale, plan):
        pass
    if p.json:
        bodies = plan.bodies()
        p.data({"action": verb, "body": bodies[0], "requests": bodies, "matching": matching,
                "affected": changed, "accepted": True})
    else:
        p.line(accepted_summary(plan, changed))
    return OK


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_HANDLERS = {"jobs": _jobs, "job": _job, "log": _log, "cancel": _act, "requeue": _act,
             "triage": run_triage}
