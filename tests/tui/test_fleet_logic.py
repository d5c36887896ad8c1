"""core/fleet.py as plain functions: one word a failure, a check bounded by its timeout, the
watches staggered, and the sparkline."""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import replace

import httpx
import pytest

from scale_tui.api import ScaleClient, ScaleTLSError
from scale_tui.core import fleet
from scale_tui.core.config import Profile
from scale_tui.core.formatting import sparkline
from scale_tui.core.refresh_policy import RefreshPolicy
from tests.fakes import FakeScale
from tests.tui.conftest import FROZEN_NOW


def member(**fields) -> fleet.Member:
    return fleet.Member("ops", Profile(url="http://scale.test", **fields))


def client_answering(handler) -> ScaleClient:
    return FakeScale().on("*", ".*", handler).client()


async def probe_with(handler, **fields) -> fleet.ClusterStatus:
    async with client_answering(handler) as client:
        return await fleet.probe(member(**fields), client, now=FROZEN_NOW)


async def test_403_is_its_own_word_with_the_servers_reason():
    status = await probe_with(lambda r: httpx.Response(403, json={"detail": "Nope."}))
    assert status.state == fleet.FORBIDDEN and "Nope." in status.error
    assert status.running is None and status.checked == FROZEN_NOW


async def test_refused_is_offline():
    def refuse(request):
        raise httpx.ConnectError("connection refused", request=request)

    assert (await probe_with(refuse)).state == fleet.OFFLINE


async def test_a_certificate_failure_is_tls_not_offline():
    def bad_certificate(request):
        try:
            raise ssl.SSLCertVerificationError("certificate verify failed: self-signed")
        except ssl.SSLError as exc:
            raise httpx.ConnectError("certificate verify failed", request=request) from exc

    status = await probe_with(bad_certificate)
    assert status.state == fleet.TLS and "certificate verify failed" in status.error
    async with client_answering(bad_certificate) as client:
        with pytest.raises(ScaleTLSError):
            await client.get_version()


async def test_a_check_is_bounded_by_the_profiles_timeout_as_a_whole():
    async def slow_counts(request):
        if request.url.path == "/v6/version/":
            return httpx.Response(200, json={"version": "7.0.0"})
        await asyncio.sleep(30)  # each answer alone within httpx's timeout would not matter
        return httpx.Response(200, json={})

    loop = asyncio.get_running_loop()
    started = loop.time()
    status = await probe_with(slow_counts, timeout=0.3)
    assert status.state == fleet.TIMEOUT and "0.3 s" in status.error
    assert loop.time() - started < 2.0


async def test_an_answer_of_the_wrong_shape_is_an_error_not_live():
    status = await probe_with(lambda r: httpx.Response(200, text="<html>login</html>",
                                                       headers={"content-type": "text/html"}))
    assert status.state == fleet.ERROR and status.error


def test_watches_are_staggered_and_never_spread_past_one_interval():
    members = [fleet.Member(f"p{i}", Profile()) for i in range(40)]
    policy = RefreshPolicy(interval=5.0)
    watches = fleet.staggered(members, print, policy=policy, stagger=0.25)
    delays = [w.delay for w in watches]
    assert delays[:3] == [0.0, 0.125, 0.25]  # 5 s / 40 clusters is less than 0.25 s
    assert max(delays) < 5.0 and len(set(delays)) == 40
    few = fleet.staggered(members[:3], print, policy=policy, stagger=0.25)
    assert [w.delay for w in few] == [0.0, 0.25, 0.5]


async def test_check_now_cuts_the_wait_short():
    watch = fleet.Watch(member(), print, RefreshPolicy(interval=300.0))
    waiting = asyncio.ensure_future(watch._wait(300.0))
    await asyncio.sleep(0)
    watch.check_now()
    await asyncio.wait_for(waiting, 1.0)


def test_json_entry_has_the_documented_fields():
    entry = fleet.ClusterStatus("ops", "http://scale.test", state=fleet.LIVE, running=3,
                                queued=2, failed_1h=1, latency_ms=12.345).to_json()
    assert {"profile", "url", "state", "version", "scheduler_paused", "counts", "latency_ms",
            "error"} <= set(entry)
    assert entry["counts"] == {"RUNNING": 3, "QUEUED": 2, "FAILED_1h": 1}
    assert entry["latency_ms"] == 12.3 and entry["error"] is None


def test_sparkline_scales_to_the_largest_and_never_hides_a_single_failure():
    assert sparkline([0, 1, 100, 50]) == "▁▂█▅"
    assert sparkline([0, 0]) == "▁▁" and sparkline([]) == ""


async def test_a_cluster_that_does_not_answer_is_retried_on_the_one_schedule(monkeypatch):
    states = iter([fleet.OFFLINE, fleet.OFFLINE, fleet.OFFLINE, fleet.LIVE, fleet.OFFLINE])

    async def fake_probe(member, client, *, now, timer=None):
        return replace(member.waiting(), state=next(states))

    class Enough(Exception):
        pass

    waits: list[float] = []

    async def record(self, seconds):
        waits.append(seconds)
        if len(waits) == 5:
            raise Enough

    monkeypatch.setattr(fleet, "probe", fake_probe)
    monkeypatch.setattr(fleet.Watch, "_wait", record)
    reported = []
    watch = fleet.Watch(member(), reported.append, RefreshPolicy(interval=5.0, first_retry=2.0))
    with pytest.raises(Enough):
        await watch.run()
    assert waits == [2.0, 4.0, 5.0, 5.0, 2.0]  # doubling, capped at the interval; reset when live
    assert [s.state for s in reported] == ["offline", "offline", "offline", "live", "offline"]


async def test_a_live_cluster_is_checked_at_the_idle_pace_while_nobody_looks(monkeypatch):
    async def live(member, client, *, now, timer=None):
        return replace(member.waiting(), state=fleet.LIVE)

    class Enough(Exception):
        pass

    waits: list[float] = []
    idle = [False, True]

    async def record(self, seconds):
        waits.append(seconds)
        if len(waits) == len(idle):
            raise Enough

    monkeypatch.setattr(fleet, "probe", live)
    monkeypatch.setattr(fleet.Watch, "_wait", record)
    looks = iter(idle)
    watch = fleet.Watch(member(), print, RefreshPolicy(interval=5.0, idle_interval=60.0),
                        idle=lambda: next(looks))
    with pytest.raises(Enough):
        await watch.run()
    assert waits == [5.0, 60.0]
