"""Cancel, requeue and queue-new-job flows. PLACEHOLDER until issue 6 lands: the contract is
in docs/architecture.md; these refuse with a message so the console can bind the keys now."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from textual.message import Message
from textual.screen import Screen

from scale_tui.api import JobFilter


@dataclass(frozen=True)
class ActionContext:
    cursor_job_id: int | None
    marked: tuple[int, ...] = ()
    filter: JobFilter | None = None
    matching: int | None = None


class JobsChanged(Message):
    """The server accepted an action; the screen should refresh and show `summary`."""

    def __init__(self, summary: str) -> None:
        super().__init__()
        self.summary = summary


def request_action(screen: Screen, kind: Literal["cancel", "requeue"], ctx: ActionContext) -> None:
    screen.notify(f"{kind} is not available yet", severity="warning")


def request_queue_job(screen: Screen) -> None:
    screen.notify("queueing a new job is not available yet", severity="warning")
