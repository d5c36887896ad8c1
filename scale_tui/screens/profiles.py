"""The profile switcher in the command palette: one command per profile in the config file.

Switching re-reads the file and the environment, as starting with ``--profile NAME`` would, and
fails closed the same way: a profile that cannot be honoured (its token_env unset, its CA bundle
missing, the file no longer valid) is refused with the reason, and the console stays where it is.
A console started with ``--read-only`` stays read-only on every profile it switches to: the
operator asked for that for the session, not for one server.
"""

from __future__ import annotations

from functools import partial
from typing import cast

from textual.app import App
from textual.command import DiscoveryHit, Hit, Hits, Provider

from scale_tui.core.config import ConfigError, Profile, load_config, resolve_profile
from scale_tui.core.connect import mask_url
from scale_tui.screens.host import ConsoleHost, console_of


class ProfileCommands(Provider):
    """``Switch profile: NAME`` for every profile, with its URL as help (never its token)."""

    def _profiles(self) -> list[tuple[str, Profile]]:
        try:
            config, _warnings = load_config()
        except ConfigError as exc:
            self.app.notify(str(exc), title="Configuration", severity="error", timeout=10)
            return []
        return sorted(config.profiles.items())

    def _help(self, name: str, profile: Profile) -> str:
        notes = [mask_url(profile.url)]
        if profile.read_only:
            notes.append("read-only")
        if name == console_of(self).profile_name:
            notes.append("current")
        return " · ".join(notes)

    async def discover(self) -> Hits:
        for name, profile in self._profiles():
            yield DiscoveryHit(
                f"Switch profile: {name}",
                partial(self._switch, name),
                help=self._help(name, profile),
            )

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, profile in self._profiles():
            text = f"Switch profile: {name}"
            score = matcher.match(text)
            if score > 0:
                yield Hit(
                    score,
                    matcher.highlight(text),
                    partial(self._switch, name),
                    help=self._help(name, profile),
                )

    def _switch(self, name: str) -> None:
        profile = profile_to_switch_to(self.app, name)
        if profile is not None:
            self.app.switch_profile(name, profile)


def profile_to_switch_to(app: App, name: str) -> Profile | None:
    """Profile `name` as a switch to it sees it (also the fleet screen's Enter): read again from
    the file and the environment, read-only kept if --read-only forced it; warnings notified.
    None (and a notification) when the config cannot honour it (fail closed)."""
    console = cast(ConsoleHost, app)
    current = console.profile_name
    # Read-only that the current profile does not have by itself came from --read-only.
    try:
        forced = console.read_only and not (
            current is not None and resolve_profile(current)[1].read_only
        )
    except ConfigError:
        forced = console.read_only  # cannot tell: keep read-only
    try:
        _name, profile, warnings = resolve_profile(name, read_only=True if forced else None)
    except ConfigError as exc:
        app.notify(f"Not switched: {exc}", title="Profile", severity="error", timeout=15)
        return None
    for warning in warnings:
        app.notify(warning, title="Configuration", severity="warning", timeout=10)
    return profile
