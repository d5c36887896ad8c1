"""Console configuration: named profiles in a TOML file, overridden by environment and flags.

FIRST CUT (interface fixed, loading minimal): issue 6 hardens loading, precedence, validation
messages with key and line, permission warnings and `config path` / `config show`.
"""

from __future__ import annotations

import os
import tomllib
from pathlib import Path

from pydantic import BaseModel, Field, SecretStr

from scale_tui import locations

DEMO_PROFILE = "demo"


class Profile(BaseModel):
    """One Scale server and how to talk to it."""

    url: str = Field("http://127.0.0.1:8000", description="Base URL of the Scale API, without /v6.")
    token: SecretStr | None = Field(None, description="API token, sent as `Authorization: Token`.")
    token_env: str | None = Field(None, description="Name of an environment variable holding the token.")
    verify_tls: bool = Field(True, description="Verify the server's TLS certificate.")
    ca_bundle: Path | None = Field(None, description="CA bundle to verify the server with.")
    read_only: bool = Field(False, description="Disable every action (cancel, requeue, queue).")
    theme: str = Field("textual-dark", description="Textual theme name.")
    refresh_interval: float = Field(5.0, ge=1.0, description="Seconds between job list refreshes.")
    page_size: int = Field(100, ge=1, le=1000, description="Jobs per page.")
    log_buffer: int = Field(100_000, ge=1000, description="Log lines kept in memory per log view.")
    timezone: str = Field("UTC", description="Time zone for displayed times (IANA name).")
    keymap: dict[str, str] = Field(
        default_factory=dict, description="Binding id -> key(s), e.g. {refresh = 'f5'}."
    )

    def resolved_token(self) -> str | None:
        if self.token is not None:
            return self.token.get_secret_value()
        if self.token_env:
            return os.environ.get(self.token_env) or None
        return None


class ConsoleConfig(BaseModel):
    """The whole config file."""

    default_profile: str = Field("default", description="Profile used when none is named.")
    profiles: dict[str, Profile] = Field(default_factory=dict, description="Named profiles.")


def load_config(path: Path | None = None) -> tuple[ConsoleConfig, list[str]]:
    """Read the config file; return the config and warnings. Never raises on a bad file."""
    path = path or locations.config_file()
    if not path.exists():
        return ConsoleConfig(), []
    try:
        return ConsoleConfig.model_validate(tomllib.loads(path.read_text())), []
    except Exception as exc:  # hardened in issue 6: name key and line
        return ConsoleConfig(), [f"{path}: {exc}; using defaults"]


def resolve_profile(
    name: str | None = None,
    *,
    url: str | None = None,
    token: str | None = None,
    read_only: bool | None = None,
    config_path: Path | None = None,
) -> tuple[str, Profile, list[str]]:
    """The effective profile: file < environment (SCALE_TUI_*) < flags. Returns (name, profile, warnings)."""
    config, warnings = load_config(config_path)
    name = name or os.environ.get("SCALE_TUI_PROFILE") or config.default_profile
    profile = config.profiles.get(name, Profile())
    overrides: dict[str, object] = {}
    if env_url := os.environ.get("SCALE_TUI_URL"):
        overrides["url"] = env_url
    if env_token := os.environ.get("SCALE_TUI_TOKEN"):
        overrides["token"] = SecretStr(env_token)
    if url:
        overrides["url"] = url
    if token:
        overrides["token"] = SecretStr(token)
    if read_only:
        overrides["read_only"] = True
    return name, profile.model_copy(update=overrides), warnings
