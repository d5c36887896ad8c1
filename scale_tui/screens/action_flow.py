"""Entry points the jobs and job details screens call for cancel, requeue and queue-new-job.

Each refuses at once in read-only mode, otherwise opens its dialog; when the server accepted
the action it posts ``JobsChanged`` to the calling screen. Scale applies cancel and requeue
asynchronously, so a few seconds later the targeted jobs are counted again and a second
``JobsChanged`` says what actually changed.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Literal

from textual.message import Message
from textual.screen import Screen

from scale_tui.api import ScaleError
from scale_tui.core.action_plan import ActionContext, count_statuses, scope_choices
from scale_tui.screens.host import console_of

if TYPE_CHECKING:
    from scale_tui.screens.confirm_action import Accepted

__all__ = ["ActionContext", "JobsChanged", "request_action", "request_queue_job"]

# Seconds before re-counting the targeted jobs; tests set it to 0 or None (no verification).
VERIFY_DELAY: float | None = 3.0


class JobsChanged(Message):
    """The server accepted an action; the screen should refresh and show `summary`.
    `clears_marks`: a cancel/requeue was accepted, so the marks it acted on are cleared."""

    def __init__(self, summary: str, *, clears_marks: bool = False) -> None:
        super().__init__()
        self.summary = summary
        self.clears_marks = clears_marks


def refuse_if_read_only(screen: Screen, what: str) -> bool:
    """True (after telling the user why) when the console is read-only."""
    console = console_of(screen)
    if not console.read_only:
        return False
    name = console.profile_name
    where = f"profile {name!r} is read-only" if name else "the console is read-only"
    screen.notify(
        f"{what} refused: {where} (read_only in the config, SCALE_TUI_READ_ONLY or --read-only).",
        title="Read-only",
        severity="error",
    )
    return True


def request_action(screen: Screen, kind: Literal["cancel", "requeue"], ctx: ActionContext) -> None:
    """Confirm and send a cancel or requeue for the job(s) `ctx` describes."""
    verb = "Cancel" if kind == "cancel" else "Requeue"
    if refuse_if_read_only(screen, verb):
        return
    if not any(choice.usable for choice in scope_choices(kind, ctx)):
        screen.notify(f"Nothing to {kind}: no job under the cursor and none marked.")
        return

    def accepted(result: Accepted | None) -> None:
        if result is None:
            return
        screen.post_message(JobsChanged(result.summary, clears_marks=True))
        if VERIFY_DELAY is not None:
            screen.run_worker(_verify(screen, result), group="verify-action",
                              exit_on_error=False)

    # lazy, measured (docs/startup.md): the dialogs are imported at first use, not at start
    from scale_tui.screens.confirm_action import ConfirmAction

    screen.app.push_screen(ConfirmAction(kind, ctx, tz=screen.app.tz), accepted)


def request_queue_job(screen: Screen) -> None:
    """Pick a job type, fill in its inputs, queue it; on 201 open the new job."""
    if refuse_if_read_only(screen, "Queueing a new job"):
        return

    def queued(job_id: int | None) -> None:
        if job_id is not None:
            screen.post_message(JobsChanged(f"Job {job_id} queued."))
            screen.app.open_job(job_id)

    # lazy, measured (docs/startup.md): imported at first use, not at start
    from scale_tui.screens.queue_job import QueueJobScreen

    screen.app.push_screen(QueueJobScreen(), queued)


async def _verify(screen: Screen, result: Accepted) -> None:
    plan, before = result.plan, result.tally
    await asyncio.sleep(VERIFY_DELAY or 0)
    try:
        after = await count_statuses(result.client, plan)  # the server that accepted it
    except ScaleError:
        return  # the regular refresh will show the result; a second error toast helps no one
    if console_of(screen).client is not result.client:
        return  # the console is on another server now: this one's numbers would mislead
    now = ", ".join(f"{n} {s}" for s, n in after.items()) or "none"
    if after == before:
        text = "nothing changed yet (Scale may still be working on it)"
    elif plan.filters[0].job_id:
        was = ", ".join(f"{n} {s}" for s, n in before.items()) or "none"
        text = f"now {now} (was {was})"
    else:  # jobs leave a status filter as they change: say how many still match
        text = f"{sum(after.values())} still match (was {sum(before.values())}): {now}"
    verb = "Cancel" if plan.kind == "cancel" else "Requeue"
    screen.post_message(JobsChanged(f"{verb} of {plan.target}: {text}."))
