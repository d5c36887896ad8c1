"""One way for Pilot tests to wait: on a condition, with a deadline, never on a fixed time."""

from __future__ import annotations

import time
from collections.abc import Callable

# Generous: CI runs on a noisy 2-core machine; a passing test returns as soon as it holds.
DEADLINE = 20.0


async def wait_until(pilot, condition: Callable[[], object], *, timeout: float = DEADLINE) -> None:
    """Let the app run until ``condition()`` holds; fail if it has not within ``timeout`` s."""
    end = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > end:
            raise AssertionError(f"condition not reached within {timeout:g} s")
        await pilot.pause(0.01)
