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
