"""Snapshots of the console's screens: fixed terminal size, frozen clock, the seeded stub with
its simulator off, a fixed server name in the header, every worker finished."""

from __future__ import annotations

from dataclasses import replace

import pytest

from scale_tui.api import ScaleClient
from tests.fakes import FakeScale
from tests.tui.conftest import settle

SHOWN_URL = "https://scale.example/api"  # the stub's port changes from run to run
FAILED_JOB = 299


@pytest.fixture
def stub_app(stub_url, make_app, frozen_clock):
    def make():
        return make_app(SHOWN_URL, client=ScaleClient(stub_url, max_tries=1), name="ops",
                        page_size=100)

    return make


def settled(*then):
    async def run_before(pilot) -> None:
        await settle(pilot, pilot.app)
        for step in then:
            await step(pilot)
            await settle(pilot, pilot.app)

    return run_before


async def open_job(pilot) -> None:
    pilot.app.open_job(FAILED_JOB)


async def open_execution(pilot) -> None:
    pilot.app.open_execution(FAILED_JOB, 3)


async def failed_with_filters_open(pilot) -> None:
    window = "2026-01-01T03:00:00Z/2026-01-01T06:00:00Z"  # the stub's "now" is not frozen
    pilot.app.screen.set_form(pilot.app.screen.form.with_changes(statuses=("FAILED",),
                                                                 window=window))
    await pilot.press("f")


def test_jobs_screen(snap_compare, stub_app):
    assert snap_compare(stub_app(), terminal_size=(120, 36), run_before=settled())


def test_jobs_screen_at_80x24(snap_compare, stub_app):
    assert snap_compare(stub_app(), terminal_size=(80, 24), run_before=settled())


def test_filtered_jobs_screen(snap_compare, stub_app):
    assert snap_compare(stub_app(), terminal_size=(120, 36),
                        run_before=settled(failed_with_filters_open))


def test_job_details(snap_compare, stub_app):
    assert snap_compare(stub_app(), terminal_size=(120, 40), run_before=settled(open_job))


def test_execution_details(snap_compare, stub_app):
    assert snap_compare(stub_app(), terminal_size=(120, 40), run_before=settled(open_execution))


def test_help(snap_compare, stub_app):
    async def press_help(pilot) -> None:
        await pilot.press("question_mark")

    assert snap_compare(stub_app(), terminal_size=(100, 40), run_before=settled(press_help))


def test_offline(snap_compare, make_app, frozen_clock):
    scale = FakeScale()
    scale.down = True
    app = make_app("http://scale.test", client=scale.client(), name="ops", page_size=100)
    # No retry falls inside the test, however slowly it sets up: the countdown shown is
    # the first one's whatever the machine's load (a 2 s retry made it read 2 s or 4 s).
    app.refresh_policy = replace(app.refresh_policy, first_retry=30.0)
    assert snap_compare(app, terminal_size=(100, 24), run_before=settled())


# Issue 17: every size reads right. The jobs screen with two jobs marked and the find open
# (on the marked jobs' type, so the marks stay in view), job details and the log view with
# timestamps, each at 80x24 and at 200x60.


async def marks_and_find(pilot) -> None:
    await pilot.press("space", "space", "slash", *"wv2", "enter")


async def open_log_with_timestamps(pilot) -> None:
    pilot.app.open_log(FAILED_EXECUTION, job_id=FAILED_JOB, exe_num=3)
    await settle(pilot, pilot.app)
    await pilot.press("t")


FAILED_EXECUTION = 329  # job 299's newest execution


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_jobs_with_marks_and_find(snap_compare, stub_app, size):
    assert snap_compare(stub_app(), terminal_size=size, run_before=settled(marks_and_find))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_job_details_sized(snap_compare, stub_app, size):
    assert snap_compare(stub_app(), terminal_size=size, run_before=settled(open_job))


@pytest.mark.parametrize("size", [(80, 24), (200, 60)], ids=["80x24", "200x60"])
def test_log_view_sized(snap_compare, stub_app, size):
    assert snap_compare(stub_app(), terminal_size=size,
                        run_before=settled(open_log_with_timestamps))
