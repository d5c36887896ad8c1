"""Cancel and requeue without the screen: which jobs an action can target, what it will send,
and how to say so. The confirmation screen shows exactly what this module plans, and sends only
that; nothing here talks HTTP except ``count_statuses``, which only reads.

Scale's cancel/requeue bodies are not the list query: plural names, one status, no source_*
fields (docs/scale.md §1 E7/E8). Whatever the list filter cannot say in a body is refused here with
the reason, never widened.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass
from datetime import UTC, tzinfo
from enum import StrEnum
from typing import Literal

from scale_tui.api import (
    JOB_STATUSES,
    Forbidden,
    InvalidFilter,
    JobFilter,
    ScaleClient,
    ScaleError,
)

Kind = Literal["cancel", "requeue"]
# Real Scale reads job_ids into one SQL IN clause; keep each request modest.
CHUNK_SIZE = 500
# What Scale's can_be_canceled allows; COMPLETED and CANCELED are skipped (docs/scale.md §4.1).
CANCELABLE = ("PENDING", "BLOCKED", "QUEUED", "RUNNING", "FAILED")
# What requeue picks: can_be_requeued (queued before) or can_be_uncanceled (docs/scale.md §4.2).
REQUEUABLE = ("QUEUED", "RUNNING", "FAILED", "CANCELED")
CONFIRM_WORD = "every"
COUNT_CONCURRENCY = 4
PATH = {"cancel": "/v6/jobs/cancel/", "requeue": "/v6/jobs/requeue/"}


@dataclass(frozen=True)
class ActionContext:
    """What the jobs screen knows when the user asks for an action."""

    cursor_job_id: int | None
    marked: tuple[int, ...] = ()
    filter: JobFilter | None = None
    matching: int | None = None
    # The ids shown right now, and the client-side quick filter,
    # which Scale cannot apply (so "every job matching" would be broader than the list).
    listed: tuple[int, ...] = ()
    quick_filter: str = ""


class Scope(StrEnum):
    JOB = "job"
    MARKED = "marked"
    FILTER = "filter"
    EACH_STATUS = "each-status"
    LISTED = "listed"


@dataclass(frozen=True)
class ScopeChoice:
    scope: Scope
    label: str
    problem: str = ""  # why it cannot be used; shown beside it, and it cannot be picked

    @property
    def usable(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class Plan:
    """One action, fully decided: the requests to send and the words for them."""

    kind: Kind
    scope: Scope
    target: str  # "job 42", "3 marked jobs", "every job matching: status FAILED"
    filters: tuple[JobFilter, ...]  # one per request, in order; bodies come from these
    priority: int | None = None

    def bodies(self) -> list[dict]:
        bodies = [f.to_action_body() for f in self.filters]
        if self.priority is not None:
            bodies = [{**body, "priority": self.priority} for body in bodies]
        return bodies

    @property
    def touches_every_job(self) -> bool:
        """A request with no filter at all: on a real Scale it selects every job there is."""
        return any(f.is_empty() for f in self.filters)

    def request_text(self, limit: int = 3) -> str:
        """``POST /v6/jobs/cancel/ {...}``, one line per request (the first few of many)."""
        bodies = self.bodies()
        lines = [f"POST {PATH[self.kind]} {json.dumps(b)}" for b in bodies[:limit]]
        if len(bodies) > limit:
            lines.append(f"… and {len(bodies) - limit} more requests like these")
        return "\n".join(lines)


def scope_choices(kind: Kind, ctx: ActionContext, tz: tzinfo = UTC) -> list[ScopeChoice]:
    """The scopes the confirmation offers, in order; unusable ones carry their reason. Times in
    the filter's words are in `tz`, the zone of every other time on screen (the request bodies
    are always UTC)."""
    choices: list[ScopeChoice] = []
    if ctx.cursor_job_id is not None:
        choices.append(ScopeChoice(Scope.JOB, f"job {ctx.cursor_job_id} (under the cursor)"))
    if ctx.marked:
        choices.append(ScopeChoice(Scope.MARKED, f"{_jobs(len(ctx.marked))} marked"))
    if ctx.filter is None:
        return choices
    words = ctx.filter.describe(tz)
    count = "" if ctx.matching is None else f" ({ctx.matching} matching when listed)"
    problem = _filter_problem(ctx)
    label = (
        f"every job on the server: no filter{count}"
        if ctx.filter.is_empty()
        else f"every job matching: {words}{count}"
    )
    choices.append(ScopeChoice(Scope.FILTER, label, problem))
    if len(ctx.filter.status) > 1 and not ctx.quick_filter and _per_status_ok(ctx.filter):
        statuses = ", ".join(ctx.filter.status)
        choices.append(
            ScopeChoice(
                Scope.EACH_STATUS, f"every job matching, one request per status ({statuses})"
            )
        )
    if problem and ctx.listed:
        choices.append(ScopeChoice(Scope.LISTED, f"the {_jobs(len(ctx.listed))} listed now, by id"))
    return choices


def default_scope(choices: Sequence[ScopeChoice]) -> Scope | None:
    """Marked jobs if any, else the job under the cursor, else the first usable scope."""
    usable = [c.scope for c in choices if c.usable]
    for scope in (Scope.MARKED, Scope.JOB):
        if scope in usable:
            return scope
    return usable[0] if usable else None


def plan_action(kind: Kind, ctx: ActionContext, scope: Scope, priority: int | None = None,
                tz: tzinfo = UTC) -> Plan:
    """The requests for `scope` (its target described in `tz`). Raises InvalidFilter if the scope
    cannot be expressed."""
    if scope is Scope.JOB and ctx.cursor_job_id is not None:
        return _by_ids(kind, scope, (ctx.cursor_job_id,), f"job {ctx.cursor_job_id}", priority)
    if scope is Scope.MARKED and ctx.marked:
        return _by_ids(kind, scope, ctx.marked, f"{_jobs(len(ctx.marked))} marked", priority)
    if scope is Scope.LISTED and ctx.listed:
        return _by_ids(kind, scope, ctx.listed, f"the {_jobs(len(ctx.listed))} listed", priority)
    if scope in (Scope.FILTER, Scope.EACH_STATUS) and ctx.filter is not None:
        if scope is Scope.FILTER:
            problem = _filter_problem(ctx)
            if problem:
                raise InvalidFilter(problem)
            filters: tuple[JobFilter, ...] = (_without_order(ctx.filter),)
        else:
            if ctx.quick_filter:
                raise InvalidFilter(_filter_problem(ctx))
            base = _without_order(ctx.filter)
            filters = tuple(base.replace(status=[s]) for s in ctx.filter.status)
        for f in filters:
            f.to_action_body()  # raises with the reason if any request cannot be expressed
        words = ctx.filter.describe(tz)
        target = "every job" if ctx.filter.is_empty() else f"every job matching: {words}"
        return Plan(kind, scope, target, filters, priority)
    raise InvalidFilter(f"nothing to {kind}: no job for scope {scope.value}")


def plan_for_filter(kind: Kind, f: JobFilter, priority: int | None = None,
                    tz: tzinfo = UTC) -> Plan:
    """The scripts' plan (``scale-tui cancel|requeue``): the jobs a filter names. Job ids alone
    go by id in chunks, as marked jobs do in the console; anything else is one filter request.
    Raises InvalidFilter if the body cannot express the filter (never widened)."""
    f = _without_order(f)
    if f.job_id and f.replace(job_id=[]).is_empty():
        ids = list(dict.fromkeys(f.job_id))
        target = f"job {ids[0]}" if len(ids) == 1 else f"{_jobs(len(ids))} by id"
        return _by_ids(kind, Scope.MARKED, ids, target, priority)
    f.to_action_body()
    target = "every job" if f.is_empty() else f"every job matching: {f.describe(tz)}"
    return Plan(kind, Scope.FILTER, target, (f,), priority)


async def missing_job_ids(client: ScaleClient, ids: Sequence[int]) -> list[int]:
    """The ids among `ids` that no job on the server has (read 100 at a time; only reads)."""
    unique = list(dict.fromkeys(ids))
    found: set[int] = set()
    for start in range(0, len(unique), 100):
        chunk = unique[start : start + 100]
        page = await client.list_jobs(JobFilter(job_id=chunk), page_size=len(chunk))
        found.update(job.id for job in page.results)
    return [i for i in unique if i not in found]


async def send_requests(client: ScaleClient, plan: Plan, start: int = 0) -> AsyncIterator[int]:
    """Send the plan's requests from `start` on, in order, yielding the count accepted so far;
    a failure raises (ScaleError) with the earlier ones accepted: a retry starts after them."""
    for number, f in enumerate(plan.filters[start:], start + 1):
        if plan.kind == "cancel":
            await client.cancel_jobs(f)
        else:
            await client.requeue_jobs(f, plan.priority)
        yield number


def parse_priority(text: str) -> int | None:
    """The requeue priority typed by the user: empty for none, else a whole number >= 1."""
    text = text.strip()
    if not text:
        return None
    try:
        value = int(text)
    except ValueError:
        raise ValueError(f"priority: {text!r} is not a whole number") from None
    if not 1 <= value <= 2**31 - 1:
        raise ValueError(f"priority: must be at least 1 (lower runs first), not {value}")
    return value


async def count_statuses(client: ScaleClient, plan: Plan) -> dict[str, int]:
    """How many jobs the plan selects right now, per status. Only reads.

    Jobs by id are listed (100 ids per GET keeps the URL short); a filter is counted with one
    ``page_size=1`` GET per status, since the list's ``count`` is what Scale will select.
    """
    tally = dict.fromkeys(JOB_STATUSES, 0)
    limit = asyncio.Semaphore(COUNT_CONCURRENCY)  # thousands of marked jobs: be gentle

    async def list_ids(ids: list[int]) -> None:
        async with limit:
            page = await client.list_jobs(JobFilter(job_id=ids), page_size=len(ids))
        for job in page.results:
            if job.status in tally:
                tally[job.status] += 1

    async def count(f: JobFilter, status: str) -> None:
        async with limit:
            page = await client.list_jobs(f.replace(status=[status]), page_size=1)
        tally[status] += page.count

    work = []
    for f in plan.filters:
        if f.job_id:
            ids = list(f.job_id)
            work.extend(list_ids(ids[i : i + 100]) for i in range(0, len(ids), 100))
        else:
            work.extend(count(f, s) for s in (f.status or JOB_STATUSES))
    await asyncio.gather(*work)
    return {s: n for s, n in tally.items() if n}


def affected(kind: Kind, tally: dict[str, int]) -> int:
    """How many of the counted jobs the action changes (the rest Scale skips)."""
    touched = CANCELABLE if kind == "cancel" else REQUEUABLE
    return sum(n for s, n in tally.items() if s in touched)


def effect_lines(kind: Kind, tally: dict[str, int]) -> list[str]:
    """What the action will do to the jobs counted, in Scale's terms."""
    total = sum(tally.values())
    if not total:
        return [f"No job matches right now: the {kind} would change nothing."]
    if kind == "cancel":
        hit = {s: n for s, n in tally.items() if s in CANCELABLE}
        skip = {s: n for s, n in tally.items() if s not in CANCELABLE}
        lines = [
            f"Cancels {_jobs(sum(hit.values()))}: {_tally(hit)}." if hit else "Cancels nothing."
        ]
        if skip:
            lines.append(f"Skipped, already final: {_tally(skip)}.")
        return lines
    lines = []
    again = {s: n for s, n in tally.items() if s in ("FAILED", "CANCELED")}
    live = {s: n for s, n in tally.items() if s in ("QUEUED", "RUNNING")}
    skip = {s: n for s, n in tally.items() if s in ("COMPLETED", "PENDING", "BLOCKED")}
    if again:
        lines.append(f"Requeues {_tally(again)}.")
    if live:
        lines.append(
            f"Also requeues {_tally(live)}: Scale requeues QUEUED and RUNNING jobs that were "
            "queued before (a running execution is canceled and a new one queued)."
        )
    if tally.get("CANCELED"):
        lines.append("CANCELED jobs that were never queued go back to PENDING instead.")
    if skip:
        lines.append(f"Skipped: {_tally(skip)} (never queued, or completed). Superseded jobs too.")
    return lines


def accepted_summary(plan: Plan, total: int | None) -> str:
    """What JobsChanged says after the 202: accepted, not done (Scale works asynchronously)."""
    verb = "Cancel" if plan.kind == "cancel" else "Requeue"
    jobs = "" if total is None else f" ({_jobs(total)})"
    requests = len(plan.filters)
    sent = f" in {requests} requests" if requests > 1 else ""
    return f"{verb} of {plan.target}{jobs} accepted by the server{sent}; Scale applies it shortly."


def explain_error(exc: ScaleError) -> str:
    """One line for a failed action; a 403 is explained rather than shown raw."""
    if isinstance(exc, Forbidden):
        detail = exc.detail.lower()
        if "permission" in detail:
            return "The server refused: your account is not staff; actions need a staff account."
        if "credentials were not provided" in detail:
            return "The server refused: no token was sent; set token or token_env in the profile."
        if "token" in detail:
            return "The server refused the token (invalid or expired); check the profile's token."
        return f"The server refused: {exc.detail}"
    return str(exc)


def _by_ids(
    kind: Kind, scope: Scope, ids: Sequence[int], target: str, priority: int | None
) -> Plan:
    unique = list(dict.fromkeys(ids))
    chunks = [unique[i : i + CHUNK_SIZE] for i in range(0, len(unique), CHUNK_SIZE)]
    return Plan(kind, scope, target, tuple(JobFilter(job_id=c) for c in chunks), priority)


def _filter_problem(ctx: ActionContext) -> str:
    if ctx.quick_filter:
        return (
            f"the quick filter /{ctx.quick_filter} narrows only the list on screen; Scale cannot "
            "apply it, so this would touch more jobs than are listed"
        )
    try:
        ctx.filter.to_action_body()  # type: ignore[union-attr]
    except InvalidFilter as exc:
        return str(exc)
    return ""


def _per_status_ok(f: JobFilter) -> bool:
    try:
        f.replace(status=[f.status[0]]).to_action_body()
    except InvalidFilter:
        return False
    return True


def _without_order(f: JobFilter) -> JobFilter:
    return f.replace(order=[]) if f.order else f


def _jobs(n: int) -> str:
    return f"{n} job" if n == 1 else f"{n} jobs"


def _tally(counts: dict[str, int]) -> str:
    return ", ".join(f"{n} {s}" for s, n in counts.items())
