"""The log screen against the bundled stub over loopback: the path a demo user takes."""

from __future__ import annotations

from scale_tui.api import ScaleClient
from scale_tui.screens.log import LogScreen
from server_stub.store import logtext
from tests.fakes import FakeScale
from tests.pilot import HostApp, wait_until
from tests.tui.test_log_screen import status_text

# The stub's seed gives every 500th execution (7, 507, ...) a 50,000-line log; with 300 jobs,
# execution 7 is job 7's first and only run, COMPLETED.
BIG_EXECUTION, BIG_LINES = 7, 50_000


async def test_a_fifty_thousand_line_log_loads_from_the_stub_exactly_once_each(stub_url):
    expected = [logtext.line(BIG_EXECUTION, i, BIG_LINES, False)[1] for i in range(BIG_LINES)]
    transport = FakeScale(stub=stub_url)  # the stub over loopback; the fake records requests
    async with ScaleClient(stub_url, transport=transport) as client:
        screen = LogScreen(BIG_EXECUTION, job_id=7, exe_num=1)
        app = HostApp(client, screen)
        async with app.run_test(size=(100, 20)) as pilot:
            await wait_until(pilot, lambda: screen.tail.phase == "complete", timeout=60)
            assert [line.message for line in screen.view.buffer] == expected
            assert "log complete (COMPLETED)" in status_text(screen)

    polls = [r for r in transport.requests if "/logs/combined/" in r.url.path]
    assert "started" not in polls[0].url.params
    assert all("started" in r.url.params for r in polls[1:])
    assert len(polls) >= 6  # five full 10,000-line answers, then the rest
