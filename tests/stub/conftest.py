"""Fixtures for the stub's conformance suite: HTTP clients on a real loopback server."""

from __future__ import annotations

import time

import httpx
import pytest


@pytest.fixture(scope="session")
def http(stub_url):
    """A client on the shared read-only stub (300 jobs, seed 7, frozen)."""
    with httpx.Client(base_url=stub_url, timeout=10) as client:
        yield client


@pytest.fixture(scope="session")
def all_jobs(http):
    """Every job of the shared stub, in one page of up to 1000."""
    body = http.get("/v6/jobs/", params={"page_size": 1000}).json()
    assert body["count"] == len(body["results"]) == 300
    return body["results"]


@pytest.fixture
def fresh(fresh_stub):
    with httpx.Client(base_url=fresh_stub.url, timeout=10) as client:
        client.stub = fresh_stub
        yield client


def every_page(client: httpx.Client, path: str, params) -> list[dict]:
    """Follow ``next`` links to the end, as a client would."""
    out = []
    response = client.get(path, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        out.extend(body["results"])
        if not body["next"]:
            return out
        response = client.get(body["next"])


def wait_for(predicate, timeout: float = 10.0, interval: float = 0.02):
    """Poll until ``predicate()`` is truthy, for at most ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError("condition not met within the deadline")
        time.sleep(interval)
