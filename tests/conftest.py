"""Fixtures shared by every test folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures" / "scale-ui"


@pytest.fixture
def scale_ui_fixture():
    """Load one of scale-ui's real payloads by its path under tests/fixtures/scale-ui/."""

    def load(name: str):
        return json.loads((FIXTURES / name).read_text())

    return load


@pytest.fixture(scope="session")
def stub_url():
    """A stub Scale server for read-only use: 300 jobs, seed 7, simulator off. Its URL."""
    from server_stub.runner import StubServer

    with StubServer(jobs=300, seed=7, simulate=False) as server:
        yield server.url


@pytest.fixture
def fresh_stub():
    """A stub Scale server of its own for a test that changes data (same data as stub_url).

    Yields the ``StubServer``: ``.url``; ``.state`` reaches the database for assertions.
    """
    from server_stub.runner import StubServer

    with StubServer(jobs=300, seed=7, simulate=False) as server:
        yield server


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """Keep captured output UTF-8-safe, so a report can cross to the controller under xdist.

    Hostile-text tests log lone surrogates on purpose (the console must survive them); execnet
    refuses to send a string it cannot encode, which would end the whole run.
    """
    outcome = yield
    report = outcome.get_result()
    report.sections = [(title, _utf8_safe(text)) for title, text in report.sections]


def _utf8_safe(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")
