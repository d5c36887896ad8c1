"""A server that is down, refuses us, or goes away: the console opens anyway and says what it
is doing about it, keeps the last list on screen, and recovers by itself."""

from __future__ import annotations

import socket
from dataclasses import replace

import httpx

from scale_tui.screens.jobs import JobsScreen
from tests.fakes import FakeScale
from tests.tui.conftest import job_payload, plain_text, settle


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # nothing listens once the socket is closed


async def test_offline_start_shows_what_is_wrong_and_the_retry(make_app, frozen_clock):
    app = make_app(f"http://127.0.0.1:{closed_port()}")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen
        assert isinstance(screen, JobsScreen)
        header = plain_text(screen.query_one("#header"))
        assert "offline: retrying in 2 s" in header
        empty = plain_text(screen.query_one("#empty"))
        assert "Cannot reach http://127.0.0.1" in empty and "r to retry" in empty
        assert screen.connection.failures == 1


async def test_backoff_grows_while_the_server_stays_down(make_app, frozen_clock):
    scale = FakeScale([job_payload(1)])
    scale.down = True
    app = make_app(client=scale.client())
    # Waits long enough that no timer fires during the test, however loaded the machine: each
    # retry below is the one pressed by hand.
    app.refresh_policy = replace(app.refresh_policy, first_retry=20.0)
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        shown = [plain_text(app.screen.query_one("#header"))]
        for _ in range(3):
            await pilot.press("r")  # retrying by hand does not reset the backoff
            await settle(pilot, app)
            shown.append(plain_text(app.screen.query_one("#header")))
        waits = [int(text.split("retrying in ")[1].split(" s")[0]) for text in shown]
        assert waits == [20, 40, 80, 160]  # the one schedule, doubling up to the 300 s interval


async def test_outage_keeps_the_last_list_marked_stale_then_recovers(make_app):
    scale = FakeScale([job_payload(2), job_payload(1)])
    app = make_app(client=scale.client())
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        scale.down = True
        await pilot.press("r")
        await settle(pilot, app)
        screen = app.screen
        assert screen.table.job_ids == [2, 1]  # still there to read
        header = plain_text(screen.query_one("#header"))
        assert "stale since" in header and "offline" in header
        scale.down = False
        await pilot.press("r")
        await settle(pilot, app)
        assert "live" in plain_text(screen.query_one("#header"))
        assert screen.connection.healthy


async def test_forbidden_says_to_check_the_token(make_app, frozen_clock):
    forbid = httpx.Response(403, json={"detail": "Authentication credentials were not provided."})
    client = FakeScale().on("*", ".*", forbid).client()
    app = make_app(client=client)
    app.refresh_policy = replace(app.refresh_policy, first_retry=30.0)  # no retry in the test
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        empty = plain_text(app.screen.query_one("#empty"))
        assert "403" in empty and "token" in empty
        assert "forbidden (403): retrying in" in plain_text(app.screen.query_one("#header"))


async def test_an_unexpected_error_in_a_refresh_is_a_notification_not_a_crash(make_app,
                                                                              monkeypatch):
    scale = FakeScale([job_payload(1)])
    app = make_app(client=scale.client())

    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        screen = app.screen

        def broken(*args, **kwargs):
            raise RuntimeError("a bug in drawing")

        monkeypatch.setattr(screen.table, "show_jobs", broken)
        await pilot.press("r")
        await settle(pilot, app)
        assert app.is_running
        messages = [n.message for n in app._notifications]
        assert any("a bug in drawing" in m for m in messages)
