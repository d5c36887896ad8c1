"""From a profile to a client: the one place that decides the URL, token and TLS settings.

The console (`app.py`), the profile switcher and every script subcommand get their client here,
so they cannot disagree. Fail closed: a `token_env` naming an unset variable, or a `ca_bundle`
that is missing or unreadable, is a `ConfigError` (one line, exit status 2 on the command line)
before any request, never "no token" or "the system CAs".
"""

from __future__ import annotations

import os
import ssl
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit, urlunsplit

from scale_tui.api import ScaleClient, ScaleError
from scale_tui.api.http import ssl_verify
from scale_tui.core.refresh_policy import DEFAULT_POLICY


class ConfigError(ValueError):
    """Explicit input that cannot be honoured: a bad flag, an unknown profile, an unreadable
    config file, an unset token variable, a missing CA bundle. One line; nothing was sent."""


class ConnectionFields(Protocol):
    """What `client_settings` reads from a profile (core.config.Profile has these)."""

    url: str
    token: Any  # core.config.Secret | None
    token_env: str | None
    verify_tls: bool
    ca_bundle: Path | None


@dataclass(frozen=True)
class ClientSettings:
    url: str
    token: str | None
    verify: bool | ssl.SSLContext

    def __repr__(self) -> str:  # never the token
        return f"ClientSettings(url={mask_url(self.url)!r}, token={'***' if self.token else None})"


def client_settings(profile: ConnectionFields, name: str | None = None) -> ClientSettings:
    """URL, token and TLS verification for `profile`. Raises ConfigError (never falls back)."""
    who = f"profile {name!r}" if name else "the profile"
    return ClientSettings(profile.url, _token(profile, who), _verify(profile, who))


def make_client(profile: ConnectionFields, name: str | None = None, **kwargs: Any) -> ScaleClient:
    """The client for `profile` (kwargs go to ScaleClient: timeout, transport, max_tries …)."""
    settings = client_settings(profile, name)
    # The in-request retries are the one schedule's (core/refresh_policy.py); the wait for an
    # answer is the profile's own.
    kwargs = {**DEFAULT_POLICY.client_options(), "timeout": getattr(profile, "timeout", 10.0),
              **kwargs}
    return ScaleClient(settings.url, token=settings.token, verify=settings.verify, **kwargs)


def mask_url(url: str) -> str:
    """`url` with any password replaced by ***, for everything that shows a URL."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password is None and "@" not in parts.netloc:
        return url
    user = parts.username or ""
    host = parts.netloc.rsplit("@", 1)[-1]
    netloc = f"{user}:***@{host}" if parts.password is not None else f"{user}@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def _token(profile: ConnectionFields, who: str) -> str | None:
    if profile.token is not None:
        secret = profile.token.get_secret_value() if hasattr(profile.token, "get_secret_value") \
            else str(profile.token)
        return secret or None
    if profile.token_env:
        value = os.environ.get(profile.token_env)
        if not value:
            raise ConfigError(
                f"{who}: token_env names {profile.token_env}, which is not set (or empty); "
                "set it, or remove token_env to send no token"
            )
        return value
    return None


def _verify(profile: ConnectionFields, who: str) -> bool | ssl.SSLContext:
    # verify_tls = false is the operator's explicit choice and wins over a bundle.
    if not profile.verify_tls:
        return False
    if not profile.ca_bundle:
        return True
    path = Path(profile.ca_bundle).expanduser()
    try:
        return ssl_verify(path)
    except ScaleError as exc:
        raise ConfigError(f"{who}: ca_bundle: {exc} (TLS is never verified with other CAs "
                          "instead)") from None
