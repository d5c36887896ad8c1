"""The fault matrix (issue 11): every way a server or a proxy in front of it can fail, times the
four live screens (jobs, job details, execution details, log).

Each cell: the screen shows good data from the stub; then every request meets the fault and the
screen is refreshed until its retry wait has reached the cap; then the fault ends. It must:
- keep running (no exception out of the console);
- say so on screen: the shared header leaves "live" (retrying / offline / forbidden, stale since
  T), plus the screen's own message (a notification, or the log's status line);
- keep the last good data on screen;
- recover within one refresh interval after the fault ends: the retry it has armed waits no
  longer than the interval, and that retry (fired here, instead of waiting for it: a fake clock)
  brings the screen back to live.

In process and without real sleeps: the one fake Scale (tests/fakes.py) serving the seeded stub
in process, its fault hook set to each fault in turn; the client's in-request retries without
backoff; a frozen clock. A slow server is the timeout httpx raises when the client's timeout
runs out.
"""

from __future__ import annotations

import json
import re

import pytest

from scale_tui.api import ScaleClient
from scale_tui.core import clock
from scale_tui.screens.execution_details import ExecutionDetailsScreen
from scale_tui.screens.job_details import JobDetailsScreen
from scale_tui.screens.jobs import JobsScreen
from scale_tui.screens.log import LogScreen
from tests.fakes import (
    FakeScale,
    html,
    raw,
    refused,
    reset_mid_body,
    stub_app,
    timed_out,
    truncated,
)
from tests.pilot import wait_until
from tests.tui.conftest import plain_text, settle

RUNNING_JOB, EXE_NUM, EXECUTION_ID = 291, 1, 323  # stub seed 7: RUNNING, 57 log lines
INTERVAL = 3.0  # seconds: the retry waits are 2 s, then 3 s (the cap) after two failures
FAILED_TRIES = 2


FAULTS = {
    "refused": refused,
    "reset mid-body": reset_mid_body,
    "slow (timeout)": timed_out,
    "HTML 500": html(500),
    "502": html(502),
    "503": html(503),
    "504": html(504),
    "invalid JSON": raw(b"{not json, at all"),
    "truncated JSON": truncated,  # made for each test's fake: the good answer, cut in half
    "403": raw(b'{"detail": "You do not have permission to perform this action."}', 403),
    "wrong shape": raw(b'{"results": "not a list", "id": "x", "status": 7, "hits": 3}'),
    "deep nesting": raw(b"[" * 40_000 + b"]" * 40_000),
    # Over the log parser's stepwise threshold (api/logs.py's _STEPWISE_CHARS, 256 KiB), under
    # every body cap (api/body.py): a big answer of the wrong shape. Built once.
    "600 KB body": raw(lambda: json.dumps([0] * 200_000).encode()),
    "empty 200": raw(b""),
}


# ---- the four screens: how to open each, and what its good data is


def _jobs_data(screen: JobsScreen):
    return list(screen.table.job_ids)


def _details_data(screen: JobDetailsScreen):
    return (screen.job.id if screen.job else None,
            plain_text(screen.query_one("#summary")), len(screen.executions))


def _execution_data(screen: ExecutionDetailsScreen):
    return (screen.execution.id if screen.execution else None,
            plain_text(screen.query_one("#execution-summary")))


def _log_data(screen: LogScreen):
    return [line.message for line in screen.view.buffer]


SCREENS = {
    "jobs": (lambda app: None, JobsScreen, _jobs_data),
    "job details": (lambda app: app.open_job(RUNNING_JOB), JobDetailsScreen, _details_data),
    "execution": (lambda app: app.open_execution(RUNNING_JOB, EXE_NUM), ExecutionDetailsScreen,
                  _execution_data),
    "log": (lambda app: app.open_log(EXECUTION_ID, job_id=RUNNING_JOB, exe_num=EXE_NUM),
            LogScreen, _log_data),
}


async def _calm(pilot, app) -> None:
    """Let messages and redraws finish (the log's follow worker never completes: no settle)."""
    if isinstance(app.screen, LogScreen):
        for _ in range(5):
            await pilot.pause()
    else:
        await settle(pilot, app)


def _notes(app) -> str:
    return "\n".join(f"{n.title}: {n.message}" for n in app._notifications)


def _armed_retry(screen) -> float:
    """The seconds until the retry the screen has armed (its timer, or the log's sleep)."""
    if isinstance(screen, LogScreen):
        return screen.tail.retry_in
    assert screen.loop._timer is not None, "no retry armed"
    return screen.loop._timer._interval


def _fire_retry(screen) -> None:
    """The fake clock: the armed retry comes due now."""
    if isinstance(screen, LogScreen):
        screen._loop.wake()
    elif screen.loop._timer is not None:
        screen.loop._due()


CELLS = [pytest.param(where, fault) for where in SCREENS for fault in FAULTS]


@pytest.mark.parametrize(("where", "fault"), CELLS)
async def test_fault_matrix(where, fault, make_app, frozen_clock):
    transport = FakeScale(stub=stub_app())  # the stub's data, in process
    client = ScaleClient("http://scale.test", transport=transport, backoff=0)
    app = make_app("http://scale.test", client=client, refresh_interval=INTERVAL)
    open_screen, screen_type, good_data = SCREENS[where]
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot, app)
        open_screen(app)

        def loaded() -> bool:
            screen = app.screen
            return (isinstance(screen, screen_type) and screen.is_mounted
                    and screen.last_refresh is not None and screen.connection.healthy
                    and bool(good_data(screen)))

        await wait_until(pilot, loaded)
        await _calm(pilot, app)
        screen = app.screen
        good = good_data(screen)
        assert "● live" in plain_text(screen.query_one("#header"))

        transport.fault = truncated(transport) if fault == "truncated JSON" else FAULTS[fault]
        for tries in range(1, FAILED_TRIES + 1):
            await pilot.press("r")
            await wait_until(pilot, lambda n=tries: screen.connection.failures >= n)
            await _calm(pilot, app)

        assert app.is_running
        assert transport.faulted
        header = plain_text(screen.query_one("#header"))
        assert "● live" not in header and "stale since" in header, header
        assert re.search(r"retrying|offline|forbidden", header), header
        if isinstance(screen, LogScreen):
            assert "error:" in str(screen.query_one("#log-status").render())
        else:
            assert re.search(r"not refreshed|Cannot refresh", _notes(app)), _notes(app)
        assert "Unexpected error" not in _notes(app)  # a fault is expected, not a bug
        assert good_data(screen) == good  # the last good data stays
        wait = _armed_retry(screen)
        assert wait <= INTERVAL  # back within one refresh interval after the fault ends
        assert (screen.connection.retry_at - clock.now()).total_seconds() <= INTERVAL

        transport.fault = None
        _fire_retry(screen)
        await wait_until(pilot, lambda: screen.connection.healthy)
        await _calm(pilot, app)
        assert app.is_running and app.screen is screen
        assert "● live" in plain_text(screen.query_one("#header"))
        if isinstance(screen, LogScreen):
            assert good_data(screen)[: len(good)] == good
        else:
            assert good_data(screen) == good
