"""What the header says about the cluster itself: its Scale version and whether its scheduler
is paused (the commonest reason jobs sit QUEUED). Plain data and one fetch; no textual."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from scale_tui.api import ScaleClient

CHECK_INTERVAL = 30.0
"""Seconds between two looks at the scheduler: a pause shows within this, for one small request
(the version is read once a server, and again after a failure)."""


@dataclass(frozen=True)
class ClusterFacts:
    """``None``: not known (yet, or the server did not say)."""

    version: str | None = None
    scheduler_paused: bool | None = None


UNKNOWN = ClusterFacts()


async def read_facts(client: ScaleClient, known: ClusterFacts = UNKNOWN) -> ClusterFacts:
    """Version (unless already known) and scheduler state, at once. Raises ScaleError."""
    if known.version is not None:
        scheduler = await client.get_scheduler()
        return ClusterFacts(known.version, scheduler.is_paused)
    version, scheduler = await asyncio.gather(client.get_version(), client.get_scheduler())
    text = version.get("version")
    return ClusterFacts(str(text) if text is not None else None, scheduler.is_paused)
