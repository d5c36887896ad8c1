"""What the log screen's status line and notices say: pure functions of the follow state.

Kept apart from the screen so the wording (the product's promises: "waiting for the execution to
start", "log complete", "N new lines", "older lines dropped") is tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["POLL_INTERVAL", "TailState", "dropped_notice"]

POLL_INTERVAL = 2.0
"""Seconds between polls while the execution runs (Scale's own UI waits 5 s). After a failed poll
the wait is the console's one schedule instead (`scale_tui.core.refresh_policy`)."""


@dataclass
class TailState:
    """Where following the log stands; ``describe()`` is the left half of the status line."""

    phase: str = "connecting"
    """connecting | waiting | no-output | following | complete | stopped"""
    execution_status: str | None = None
    error: str | None = None
    retry_in: float | None = None
    following: bool = True
    pending: int = 0
    knows_end: bool = True
    """False without job id / exe_num: the screen cannot learn when the execution ends."""

    def describe(self) -> str:
        parts = [self._phase_text()]
        if self.phase in ("following", "no-output", "waiting") and not self.following:
            if self.pending:
                plural = "s" if self.pending != 1 else ""
                parts.append(f"paused · {self.pending:,} new line{plural} · End or f resumes")
            else:
                parts.append("paused · End or f resumes")
        if self.error:
            retry = f" · retrying in {self.retry_in:.0f} s (r: now)" if self.retry_in else ""
            parts.append(f"error: {self.error}{retry}")
        return " · ".join(parts)

    def _phase_text(self) -> str:
        status = f" ({self.execution_status})" if self.execution_status else ""
        if self.phase == "connecting":
            return "connecting…"
        if self.phase == "waiting":
            return "waiting for the execution to start"
        if self.phase == "no-output":
            return f"no output yet{status}"
        if self.phase == "following":
            if not self.knows_end:
                return "following (execution status unknown: polling until you leave)"
            return f"following{status}"
        if self.phase == "complete":
            return f"log complete{status}"
        return "stopped"


def dropped_notice(dropped: int, kept: int, stream: str) -> str:
    """The banner once the buffer is full: how many fell off, and what save will write."""
    if dropped <= 0:
        return ""
    which = "" if stream == "combined" else f" (the {stream} lines among them)"
    return (
        f"{dropped:,} older line{'s' if dropped != 1 else ''} dropped; "
        f"save keeps the last {kept:,}{which}"
    )
