"""Snapshot of the triage screen on the frozen seed: fixed terminal size, frozen clock, the
seeded stub with its simulator off, a fixed server name in the header, every worker finished."""

from __future__ import annotations

import pytest

from scale_tui.api import ScaleClient
from tests.tui.conftest import settle

SHOWN_URL = "https://scale.example/api"  # the stub's port changes from run to run


@pytest.fixture
def stub_app(stub_url, make_app, frozen_clock):
    return make_app(SHOWN_URL, client=ScaleClient(stub_url, max_tries=1), name="ops",
                    page_size=100)


async def open_triage(pilot) -> None:
    await settle(pilot, pilot.app)
    pilot.app.open_triage()
    await settle(pilot, pilot.app)


def test_triage_screen(snap_compare, stub_app):
    assert snap_compare(stub_app, terminal_size=(130, 32), run_before=open_triage)


def test_triage_screen_by_node_at_80x24(snap_compare, stub_app):
    async def by_node(pilot) -> None:
        await open_triage(pilot)
        for _ in range(3):
            await pilot.press("g")
        await settle(pilot, pilot.app)

    assert snap_compare(stub_app, terminal_size=(80, 24), run_before=by_node)
