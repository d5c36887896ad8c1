"""The one retry/refresh schedule (scale_tui/core/refresh_policy.py) and who uses it."""

from __future__ import annotations

import inspect

import pytest

from scale_tui.api import ScaleClient
from scale_tui.api.http import Http
from scale_tui.core.refresh_policy import DEFAULT_POLICY, RefreshPolicy


@pytest.mark.parametrize("interval", [1.0, 3.0, 5.0, 60.0, 300.0])
def test_no_retry_waits_longer_than_one_refresh_interval(interval):
    policy = RefreshPolicy(interval=interval)
    waits = [policy.retry_in(n) for n in range(1, 40)]
    assert max(waits) == interval  # recovery within one interval after the server is back
    assert waits == sorted(waits)  # never quicker after more failures
    assert waits[0] == min(2.0, interval)


def test_retries_double_from_the_first_wait():
    policy = RefreshPolicy(interval=60.0)
    assert [policy.retry_in(n) for n in range(0, 8)] == [60, 2, 4, 8, 16, 32, 60, 60]


def test_in_request_retries_are_the_policys_numbers():
    # The HTTP layer cannot import core (layers), so its defaults must equal the policy's.
    defaults = {name: p.default for name, p in inspect.signature(Http).parameters.items()}
    client = {name: p.default for name, p in inspect.signature(ScaleClient).parameters.items()}
    for source in (defaults, client):
        assert source["max_tries"] == DEFAULT_POLICY.request_tries
        assert source["backoff"] == DEFAULT_POLICY.request_backoff
    assert [DEFAULT_POLICY.request_wait(n) for n in (1, 2)] == [0.2, 0.4]
    # the in-request waits end long before the screen's first retry
    tries = DEFAULT_POLICY.request_tries
    total = sum(DEFAULT_POLICY.request_wait(n) * 1.2 for n in range(1, tries))  # jitter +20 %
    assert total < DEFAULT_POLICY.first_retry


def test_the_app_derives_its_policy_from_the_profile(make_app):
    app = make_app(refresh_interval=7.0)
    assert app.refresh_policy == DEFAULT_POLICY.with_interval(7.0)
