"""Non-interactive subcommands for scripts: ``jobs``, ``job``, ``log``, ``cancel``, ``requeue``.

kubectl beside k9s: the same filters as the console, ``--output table|json``, and exit codes a
script can branch on: 0 done, 1 the server or network failed (one line on stderr), 2 bad input
(including an action without ``--yes``). Cancel and requeue say what they will touch before
they touch it, and a request with no filter at all (every job on the server) needs
``--all-jobs`` as well as ``--yes``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from collections.abc import Callable
from typing import Any, TextIO

from scale_tui.api import (
    LOG_PAGE_CAP,
    LOG_STREAMS,
    InvalidFilter,
    JobFilter,
    LogFollower,
    ScaleClient,
    ScaleError,
)
from scale_tui.core.connect import ConfigError, make_client
from scale_tui.core.log_status import POLL_INTERVAL
from scale_tui.core.sanitize import display_text
from scale_tui.scripts.arguments import add_connection_arguments
from scale_tui.scripts.output import JOB_COLUMNS, Printer, dump, job_row, print_line, span
from scale_tui.scripts.triage import add_parser as add_triage_parser
from scale_tui.scripts.triage import run_triage

OK, API_ERROR, BAD_INPUT = 0, 1, 2
FOLLOW_INTERVAL = POLL_INTERVAL  # seconds between log polls: the console's


def add_parsers(subparsers: Any) -> None:
    """Add ``jobs``, ``job``, ``log``, ``cancel`` and ``requeue`` to the ``scale-tui`` parser."""
    jobs = _sub(subparsers, "jobs", "list jobs (same filters as the console)")
    _filter_arguments(jobs)
    jobs.add_argument(
        "--order",
        action="append",
        metavar="FIELD",
        help="sort field, '-' for descending, e.g. -last_modified (repeatable)",
    )
    jobs.add_argument("--page", type=int, default=1, help="page number (default 1)")
    jobs.add_argument("--page-size", type=int, metavar="N", help="jobs per page, 1-1000")
    jobs.add_argument("--all", action="store_true", dest="all_pages", help="every page")

    job = _sub(subparsers, "job", "show one job and its executions")
    job.add_argument("job_id", type=int, metavar="JOB_ID")

    log = _sub(subparsers, "log", "print (or follow) an execution's log")
    log.add_argument(
        "execution_id",
        type=int,
        nargs="?",
        metavar="EXECUTION_ID",
        help="the execution's id (not the job id); or use --job",
    )
    log.add_argument(
        "--job",
        type=int,
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
                "--priority", type=int, help="queue priority, at least 1; lower runs sooner"
            )
    add_triage_parser(subparsers)


def _sub(subparsers: Any, name: str, help_text: str) -> argparse.ArgumentParser:
    parser = subparsers.add_parser(name, help=help_text, description=help_text)
    parser.add_argument("--output", "-o", choices=("table", "json"), default="table")
    # --url/--token/--profile also after the subcommand, as for `config`
    add_connection_arguments(parser, defaults=False)
    return parser


def _filter_arguments(parser: argparse.ArgumentParser) -> None:
    add = parser.add_argument
    add("--status", action="append", metavar="STATUS", help="job status (repeatable)")
    add(
        "--job",
        action="append",
        type=int,
        dest="job_ids",
        metavar="JOB_ID",
        help="job id (repeatable)",
    )
    add("--job-type", action="append", metavar="NAME", help="job type name (repeatable)")
    add("--since", metavar="WHEN", help="last modified since: 1h, 7d, PT6H or an ISO time")
    add("--until", metavar="WHEN", help="last modified until (same forms)")
    add("--error-category", action="append", metavar="CAT", help="SYSTEM, ALGORITHM or DATA")
    add("--batch", action="append", type=int, metavar="ID", help="batch id (repeatable)")
    add("--recipe", action="append", type=int, metavar="ID", help="recipe id (repeatable)")
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
        print(f"scale-tui {args.command}: {_in_flags(str(exc))}", file=err)
        return BAD_INPUT
    except ConfigError as exc:
        print(f"scale-tui {args.command}: {exc}", file=err)
        return BAD_INPUT
    except ScaleError as exc:
        # The message may quote the server (a `detail`, a redirect): the same boundary as stdout.
        print(f"scale-tui {args.command}: {display_text(str(exc), limit=None)}", file=err)
        return API_ERROR
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # `scale-tui jobs | head`
        return OK


async def _run(args: argparse.Namespace, profile: Any, out: TextIO, err: TextIO) -> int:
    handler = _HANDLERS[args.command]
    # The console's one way from a profile to a client (core/connect.py).
    async with make_client(profile) as scale:
        return await handler(scale, args, profile, Printer(out, err, args, profile))


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
    page_size = args.page_size if args.page_size is not None else getattr(profile, "page_size", 100)
    if args.all_pages:
        jobs = [job async for job in scale.iter_jobs(jf, page_size=page_size)]
        count = len(jobs)
    else:
        page = await scale.list_jobs(jf, page=args.page, page_size=page_size)
        jobs, count = page.results, page.count
    if p.json:
        p.data({"count": count, "results": [dump(job) for job in jobs]})
    elif not jobs:
        p.note(f"No jobs match: {jf.describe()}")
    else:
        p.table(JOB_COLUMNS, [job_row(job, p) for job in jobs])
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
        ("Created", p.time(job.created)), ("Queued", p.time(job.queued)),
        ("Started", p.time(job.started)), ("Ended", p.time(job.ended)),
        ("Last modified", p.time(job.last_modified)), ("Duration", span(job.duration)),
        ("Executions", f"{job.num_exes or 0} of at most {job.max_tries or '-'}"),
    ]  # fmt: skip
    if job.error and job.error.description:
        facts.insert(4, ("", job.error.description))
    if job.recipe:
        facts.append(("Recipe", str(job.recipe.id)))
    if job.batch:
        facts.append(("Batch", f"{job.batch.id} {job.batch.title or ''}".rstrip()))
    if job.is_superseded:
        facts.append(("Superseded", p.time(job.superseded)))
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
                    span(e.duration),
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
                f"warning: over {LOG_PAGE_CAP:,} lines share the time {p.time(moment)}; "
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
    verb = args.command
    if getattr(profile, "read_only", False):
        p.note(f"scale-tui {verb}: this profile is read-only; nothing was sent")
        return BAD_INPUT
    jf = job_filter(args)
    body = jf.to_action_body()  # refuses, before anything is sent, what the body cannot say
    priority = getattr(args, "priority", None)
    if priority is not None and priority < 1:
        raise InvalidFilter(f"priority: must be at least 1 (lower runs sooner), not {priority}")
    if jf.is_empty() and not args.all_jobs:
        p.note(
            f"scale-tui {verb}: no filter given: this would {verb} EVERY job on the server. "
            "Give a filter, or --all-jobs (with --yes) if you mean it."
        )
        return BAD_INPUT
    matching = (await scale.list_jobs(jf, page_size=1)).count
    untouched = "COMPLETED or CANCELED" if verb == "cancel" else "COMPLETED or superseded"
    what = f"{verb} {matching} job{'s' if matching != 1 else ''} matching: {jf.describe()}"
    if not args.yes:
        p.note(f"Would {what} (jobs already {untouched} are left alone). Add --yes to do it.")
        return BAD_INPUT
    if verb == "cancel":
        await scale.cancel_jobs(jf)
    else:
        await scale.requeue_jobs(jf, priority=priority)
    if priority is not None:
        body["priority"] = priority
    if p.json:
        p.data({"action": verb, "body": body, "matching": matching, "accepted": True})
    else:
        p.line(f"Scale accepted: {what}. It applies the change within moments.")
    return OK


def _is_terminal(stream: TextIO) -> bool:
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


_HANDLERS = {"jobs": _jobs, "job": _job, "log": _log, "cancel": _act, "requeue": _act,
             "triage": run_triage}
