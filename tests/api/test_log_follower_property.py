"""Property: however a log grows and however often it is polled, following it returns every
line exactly once and in order, as long as no timestamp holds more lines than a page."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from scale_tui.api import LogFollower, LogLine, ScaleClient
from tests.fakes import FakeScale

CAP = 5  # a tiny page so that paging forward happens all the time
T0 = datetime(2026, 1, 1, tzinfo=UTC)

# A batch of new lines: (timestamp step in ms from the previous line, stream). Steps of 0 put
# several lines on one timestamp, the case that the inclusive `started` makes tricky.
batches = st.lists(
    st.lists(st.tuples(st.integers(0, 2), st.sampled_from(["stdout", "stderr"])), max_size=12),
    min_size=1,
    max_size=6,
)


def grow(log: list[LogLine], batch: list[tuple[int, str]]) -> None:
    for step, stream in batch:
        last = log[-1] if log else None
        when = (last.timestamp if last else T0) + timedelta(milliseconds=step)
        # Lines of one timestamp never fill a page: past that, real Scale cannot page at all.
        if (
            last
            and when == last.timestamp
            and sum(1 for x in log if x.timestamp == when) >= CAP - 1
        ):
            when += timedelta(milliseconds=1)
        order = sum(1 for x in log if x.timestamp == when)
        log.append(LogLine(when, order, stream, f"line {len(log)}"))


@settings(max_examples=150, deadline=None)
@given(batches=batches, pages_per_poll=st.integers(1, 3))
def test_following_returns_each_line_once_in_order(monkeypatch_cap, batches, pages_per_poll):
    log: list[LogLine] = []

    async def follow() -> list[LogLine]:
        fake = FakeScale()
        fake.execution(1, job_id=1, cap=CAP).lines = log  # the log grows under the fake
        async with ScaleClient("http://s.test", transport=fake, backoff=0) as scale:
            follower = LogFollower(scale, 1, max_pages_per_poll=pages_per_poll)
            seen: list[LogLine] = []
            for batch in batches:
                grow(log, batch)
                seen += await follower.poll()
            for _ in range(len(log) + 2):  # bounded: a bug must fail, not hang
                if follower.caught_up and seen[-1:] == log[-1:]:
                    break
                seen += await follower.poll()
            assert follower.skipped == []
            return seen

    assert asyncio.run(follow()) == log
