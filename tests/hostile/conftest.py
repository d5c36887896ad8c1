"""The hostile-data tests reuse the console's test fixtures (isolated dirs, frozen clock, app)."""

from tests.tui.conftest import frozen_clock, isolated, make_app  # noqa: F401
