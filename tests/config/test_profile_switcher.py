"""The command palette lists the config's profiles and switches to the one chosen."""

from __future__ import annotations

from textual.command import CommandList

from scale_tui.screens.profiles import ProfileCommands
from tests.pilot import HostApp

CONFIG = """
[profiles.prod]
url = "https://scale.prod.example"
token = "never-shown-anywhere"
read_only = true

[profiles.lab]
url = "http://lab.example:8000"
"""


def switching_app(profile_name: str, read_only: bool) -> HostApp:
    """The one stand-in console: its palette lists the profiles; it records each switch."""
    return HostApp(profile_name=profile_name, read_only=read_only)


async def choose(pilot, query: str) -> None:
    await pilot.press("ctrl+p")
    await pilot.press(*query)
    for _ in range(200):  # the palette searches in a worker
        await pilot.pause(0.01)
        if (
            pilot.app.screen.query(CommandList)
            and pilot.app.screen.query_one(CommandList).option_count
        ):
            break
    await pilot.press("down", "enter")
    await pilot.pause()


async def test_palette_switches_to_the_chosen_profile(write_config):
    write_config(CONFIG)
    app = switching_app("prod", read_only=True)
    async with app.run_test() as pilot:
        await choose(pilot, "switch profile lab")
    [(name, profile)] = app.switched
    assert (name, profile.url, profile.read_only) == ("lab", "http://lab.example:8000", False)


async def test_read_only_from_the_command_line_survives_a_switch(write_config):
    write_config(CONFIG)
    app = switching_app("lab", read_only=True)  # lab is not read-only by itself: --read-only
    async with app.run_test():
        ProfileCommands(app.screen)._switch("prod")
        ProfileCommands(app.screen)._switch("lab")
    assert [(n, p.read_only) for n, p in app.switched] == [("prod", True), ("lab", True)]
    app = switching_app("prod", read_only=True)  # prod is read-only by itself: no flag to keep
    async with app.run_test():
        ProfileCommands(app.screen)._switch("lab")
    assert [(n, p.read_only) for n, p in app.switched] == [("lab", False)]


async def test_palette_shows_url_and_read_only_never_the_token(write_config):
    write_config(CONFIG)
    app = switching_app("lab", read_only=False)
    async with app.run_test():
        provider = ProfileCommands(app.screen)
        helps = [hit.help async for hit in provider.discover()]
    assert helps == ["http://lab.example:8000 · current", "https://scale.prod.example · read-only"]
    assert not any("never-shown" in h for h in helps)


async def test_a_profile_that_cannot_be_honoured_is_refused_and_nothing_changes(write_config):
    """Fail closed (issue 12): an unset token_env is never a switch without a token."""
    write_config(CONFIG + '\n[profiles.tokenless]\nurl = "http://t.example"\n'
                 'token_env = "NOT_SET_FOR_THIS_TEST"\n')
    app = switching_app("lab", read_only=False)
    async with app.run_test() as pilot:
        ProfileCommands(app.screen)._switch("tokenless")
        await pilot.pause()
        messages = [n.message for n in app._notifications]
    assert app.switched == []
    assert any("Not switched" in m and "NOT_SET_FOR_THIS_TEST" in m for m in messages)

