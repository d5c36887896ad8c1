"""The api tests' fixtures: the one fake Scale (tests/fakes.py) and a client wired to it."""

from __future__ import annotations

import pytest

from scale_tui.api import ScaleClient
from tests.fakes import FakeScale


@pytest.fixture
def fake() -> FakeScale:
    return FakeScale()


@pytest.fixture
async def client(fake: FakeScale):
    async with ScaleClient(
        "http://scale.test/service/scale/api",
        token="t0ps3cret",
        transport=fake,
        backoff=0,
    ) as scale:
        yield scale


@pytest.fixture(scope="module")
def monkeypatch_cap():
    """Shrink the log page cap for the follower property test (module-wide, restored after)."""
    from scale_tui.api import logs

    saved = logs.LOG_PAGE_CAP
    logs.LOG_PAGE_CAP = 5
    yield 5
    logs.LOG_PAGE_CAP = saved
