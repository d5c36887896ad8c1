"""Issue 12 in the console: the demo never inherits the user's profiles (finding 10), a
password in the URL is never shown, and the profile switcher fails closed."""

from __future__ import annotations

from scale_tui import cli
from scale_tui.core.config import Profile
from tests.fakes import FakeScale
from tests.tui.conftest import job_payload, settle
from tests.tui.test_demo import app_of, has_rows, run_headless_until, spawned  # noqa: F401 (fixture)

READ_ONLY_PROD = """
default_profile = "prod"

[profiles.prod]
url = "https://prod.invalid"
read_only = true
token_env = "PROD_TOKEN_NOT_SET"
theme = "nord"
"""


def test_demo_ignores_a_read_only_default_profile(spawned, monkeypatch, isolated):  # noqa: F811
    config = isolated / "config" / "config.toml"
    config.parent.mkdir(parents=True)
    config.write_text(READ_ONLY_PROD)
    config.chmod(0o600)
    monkeypatch.setenv("SCALE_TUI_READ_ONLY", "true")
    seen = run_headless_until(monkeypatch, has_rows)
    assert cli.main(["--demo"]) == 0
    app = app_of(seen)
    assert (app.profile_name, app.read_only) == ("demo", False)
    assert app.profile.url.startswith("http://127.0.0.1:")
    assert app.profile.token is None and app.profile.token_env is None
    assert app.profile == Profile(url=app.profile.url)  # nothing of the user's profile
    assert not [n for n in app._notifications if n.title == "Configuration"]


async def test_header_and_toasts_never_show_a_password(make_app):
    app = make_app("http://ops:hunter2@127.0.0.1:9")
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        info = app.screen.header_info()
        assert info.url == "http://ops:***@127.0.0.1:9"
        app.switch_profile("other", Profile(url="http://ops:hunter2@127.0.0.1:10"))
        await pilot.pause()
        assert all("hunter2" not in n.message for n in app._notifications)
        assert any("ops:***@127.0.0.1:10" in n.message for n in app._notifications)


async def test_the_console_refuses_a_profile_whose_ca_bundle_is_missing(make_app, tmp_path):
    scale = FakeScale([job_payload(1)])
    app = make_app(client=scale.client(), name="first")
    async with app.run_test(size=(100, 24)) as pilot:
        await settle(pilot, app)
        client = app.client
        app.switch_profile("second", Profile(url="https://x.example",
                                             ca_bundle=tmp_path / "gone.pem"))
        await pilot.pause()
        assert (app.profile_name, app.client) == ("first", client)
        assert any("CA bundle not found" in n.message for n in app._notifications)
