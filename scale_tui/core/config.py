"""Console configuration: named profiles in a TOML file, overridden by environment and flags.

Precedence is file < environment (``SCALE_TUI_*``) < flags, as operators expect from kubectl and
k9s. Tokens are ``SecretStr`` so they never reach a repr, a log or ``config show``.

Fail closed (issue 12): explicit input that cannot be honoured raises ``ConfigError`` (one line;
the command line exits 2 before any request) instead of being replaced by a default:

- a config file that cannot be read, or is not valid TOML (file and line);
- a profile named by ``--profile``, ``SCALE_TUI_PROFILE`` or ``default_profile`` that the file
  does not define;
- a bad ``--url``/``--token``/``--read-only`` flag or ``SCALE_TUI_*`` value;
- in the chosen profile, a bad value of a setting that decides which server, which credentials
  or whether actions are allowed (``SAFETY_KEYS``: url, token, token_env, verify_tls, ca_bundle,
  read_only), including a misspelt key that looks like one (``readonly``);
- ``token_env`` naming an unset variable, a missing or unreadable ``ca_bundle`` (core.connect).

Only a cosmetic setting (theme, page size, refresh interval, time zone, keymap…) with a bad
value is dropped with a warning naming file, line and key, and its default applies.
"""

from __future__ import annotations

import difflib
import os
import re
import ssl
import sys
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, SecretStr, ValidationError, field_validator
from pydantic import Field as F
from pydantic_settings import BaseSettings, SettingsConfigDict

from scale_tui.core import locations
from scale_tui.core.connect import ConfigError, client_settings, mask_url

__all__ = ["DEFAULT_PROFILE", "DEMO_PROFILE", "SAFETY_KEYS", "ConfigError", "ConsoleConfig",
           "EnvOverrides", "Profile", "load_config", "read_config", "resolve_profile",
           "resolve_with_sources", "run_config_command"]

DEMO_PROFILE = "demo"
DEFAULT_PROFILE = "default"
# Settings that decide which server, which credentials, and whether actions are allowed: a bad
# value here stops the console instead of being dropped (dropping read_only would allow actions).
SAFETY_KEYS = frozenset({"url", "token", "token_env", "verify_tls", "ca_bundle", "read_only"})


class Profile(BaseModel):
    """One Scale server and how to talk to it."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    url: str = "http://127.0.0.1:8000"
    """Root URL of the Scale server (with its script prefix, e.g. https://host/service/scale/api);
    the console adds /v6/ itself, so a trailing /v6 is dropped."""
    token: SecretStr | None = None
    """API token, sent as `Authorization: Token <token>`. Prefer token_env: a file holds it
    in clear."""
    token_env: str | None = None
    """Name of an environment variable holding the token (used when token is not set)."""
    verify_tls: bool = True
    """Verify the server's TLS certificate. Turn off only for a lab server you trust."""
    ca_bundle: Path | None = None
    """A PEM file of CA certificates to verify the server with (a private CA)."""
    read_only: bool = False
    """Disable every action (cancel, requeue, queue a new job) for this server."""
    timeout: float = F(10.0, gt=0.0, le=300.0)
    """Seconds to wait for the server's answer before calling it unreachable (the fleet view
    also bounds each cluster's whole check by it)."""
    theme: str = "textual-dark"
    """Textual theme name; give production a different one so it is never mistaken for a lab."""
    refresh_interval: float = F(5.0, ge=1.0, le=3600.0)
    """Seconds between refreshes of the job list (at least 1)."""
    page_size: int = F(100, ge=1, le=1000)
    """Jobs per page, 1 to 1000 (Scale's own maximum)."""
    log_buffer: int = F(100_000, ge=1000, le=10_000_000)
    """Log lines kept in memory per log view; older lines are dropped and the view says so."""
    triage_cap: int = F(50_000, ge=1000, le=1_000_000)
    """Triage reads at most this many failed jobs of a window (newest first) and says where it
    cut the window beyond that."""
    timezone: str = "UTC"
    """Time zone for displayed times (IANA name, e.g. Europe/Berlin)."""
    keymap: dict[str, str] = F(default_factory=dict)
    """Binding id -> key(s), e.g. `"jobs.refresh" = "f5"`; replaces that binding's default keys."""

    @field_validator("url")
    @classmethod
    def _http_url(cls, url: str) -> str:
        url = url.strip().rstrip("/")
        if not re.match(r"^https?://[^/\s]+", url):
            raise ValueError("must start with http:// or https:// and name a host")
        return url.removesuffix("/v6")

    def resolved_token(self) -> str | None:
        """The token to send (core.connect decides; raises ConfigError for an unset token_env)."""
        return client_settings(self).token

    def tls_verify(self) -> bool | ssl.SSLContext:
        """What to pass as httpx's ``verify`` (core.connect decides; a bad bundle raises)."""
        return client_settings(self).verify


class ConsoleConfig(BaseModel):
    """The whole config file."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)

    default_profile: str = DEFAULT_PROFILE
    """Profile used when neither --profile nor SCALE_TUI_PROFILE names one."""
    profiles: dict[str, Profile] = F(default_factory=dict)
    """Named profiles, one `[profiles.NAME]` table each."""


class EnvOverrides(BaseSettings):
    """``SCALE_TUI_*`` variables. Kept as text here and validated by Profile, so that a bad value
    gets the same message as in the file and is ignored alone."""

    model_config = SettingsConfigDict(
        env_prefix="SCALE_TUI_", extra="ignore", use_attribute_docstrings=True
    )

    profile: str | None = None
    """SCALE_TUI_PROFILE: the profile to use."""
    url: str | None = None
    """SCALE_TUI_URL: overrides the profile's url."""
    token: SecretStr | None = None
    """SCALE_TUI_TOKEN: overrides the profile's token."""
    read_only: str | None = None
    """SCALE_TUI_READ_ONLY: true/false."""
    verify_tls: str | None = None
    """SCALE_TUI_VERIFY_TLS: true/false."""
    ca_bundle: str | None = None
    """SCALE_TUI_CA_BUNDLE: path of a CA bundle."""
    theme: str | None = None
    """SCALE_TUI_THEME: a Textual theme name."""
    refresh_interval: str | None = None
    """SCALE_TUI_REFRESH_INTERVAL: seconds."""
    page_size: str | None = None
    """SCALE_TUI_PAGE_SIZE: jobs per page."""
    log_buffer: str | None = None
    """SCALE_TUI_LOG_BUFFER: log lines kept."""
    timezone: str | None = None
    """SCALE_TUI_TIMEZONE: IANA time zone."""
    timeout: str | None = None
    """SCALE_TUI_TIMEOUT: seconds to wait for an answer."""


@dataclass
class LoadedConfig:
    """The file as read: the config, warnings for cosmetic settings that were dropped, and the
    profiles that cannot be used at all (name -> why), because a safety setting is bad."""

    config: ConsoleConfig
    warnings: list[str] = field(default_factory=list)
    broken: dict[str, str] = field(default_factory=dict)
    names_default: bool = False  # the file sets default_profile itself


def read_config(path: Path | None = None) -> LoadedConfig:
    """Read the config file. No file is an empty config; a file that cannot be read or is not
    valid TOML raises ConfigError naming the file (and line)."""
    path = path or locations.config_file()
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return LoadedConfig(ConsoleConfig())
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from None
    warnings = _permission_warnings(path)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)$", msg)
        where = f" line {match.group(1)}" if match else ""
        msg = msg[: match.start()].strip() if match else msg
        raise ConfigError(f"{path}{where}: not valid TOML: {msg}") from None
    broken: dict[str, str] = {}
    names_default = "default_profile" in data
    # Drop each bad key and validate again, so one cosmetic typo costs only that key; a bad
    # safety setting makes its whole profile unusable (named in `broken`).
    for _ in range(100):
        try:
            config = ConsoleConfig.model_validate(data)
        except ValidationError as exc:
            for error in exc.errors(include_url=False):
                loc = tuple(str(part) for part in error["loc"])
                line = _line_of(text, loc)
                where = f"{path}{f' line {line}' if line else ''}: {'.'.join(loc)}"
                problem = f"{where}: {_explain(error)}"
                if loc[:1] == ("profiles",) and len(loc) >= 2 and _is_safety(loc, error):
                    broken.setdefault(loc[1], problem)
                    _drop(data, loc[:2])
                elif loc in (("profiles",), ("default_profile",)):
                    raise ConfigError(problem) from None  # no profile can be chosen safely
                else:
                    warnings.append(f"{problem} (ignored)")
                    _drop(data, loc)
            continue
        return LoadedConfig(config, warnings, broken, names_default)
    raise ConfigError(f"{path}: too many errors")


def load_config(path: Path | None = None) -> tuple[ConsoleConfig, list[str]]:
    """The usable profiles and the warnings (for listings such as the profile switcher)."""
    loaded = read_config(path)
    return loaded.config, loaded.warnings + list(loaded.broken.values())


def _is_safety(loc: tuple[str, ...], error: dict) -> bool:
    if len(loc) == 2:
        return True  # the profile itself is not a table
    key = loc[2]
    if key in SAFETY_KEYS:
        return True
    close = difflib.get_close_matches(key, list(Profile.model_fields), n=1)
    return error["type"] == "extra_forbidden" and bool(close) and close[0] in SAFETY_KEYS


def resolve_profile(
    name: str | None = None,
    *,
    url: str | None = None,
    token: str | None = None,
    read_only: bool | None = None,
    config_path: Path | None = None,
) -> tuple[str, Profile, list[str]]:
    """The effective profile: file < environment (SCALE_TUI_*) < flags.

    Returns (name, profile, warnings); warnings are one line each, for the console to show.
    """
    name, profile, warnings, _ = resolve_with_sources(
        name, url=url, token=token, read_only=read_only, config_path=config_path
    )
    return name, profile, warnings


def resolve_with_sources(
    name: str | None = None,
    *,
    url: str | None = None,
    token: str | None = None,
    read_only: bool | None = None,
    config_path: Path | None = None,
) -> tuple[str, Profile, list[str], dict[str, str]]:
    """As resolve_profile, plus where each overridden field came from (`field -> source`)."""
    config_path = config_path or locations.config_file()
    loaded = read_config(config_path)
    config, warnings = loaded.config, list(loaded.warnings)
    env = _read_env()
    if name:
        asked = "--profile"
    elif env.profile:
        asked, name = "SCALE_TUI_PROFILE", env.profile
    elif loaded.names_default:
        asked, name = f"default_profile in {config_path}", config.default_profile
    else:
        asked, name = "", config.default_profile
    if name in loaded.broken:
        raise ConfigError(f"profile {name!r} cannot be used: {loaded.broken[name]}")
    if name in config.profiles:
        values = config.profiles[name].model_dump(exclude_unset=True)
    elif asked and name != DEFAULT_PROFILE:
        known = ", ".join(sorted(config.profiles)) or "none"
        raise ConfigError(f"{asked}: no profile named {name!r} in {config_path} "
                          f"(profiles: {known})")
    else:
        values = {}  # nothing was asked for: the built-in defaults apply
    sources: dict[str, str] = dict.fromkeys(values, str(config_path))
    env_values = env.model_dump(exclude={"profile"}, exclude_none=True)
    for key, value in env_values.items():
        _override(values, sources, key, value, f"SCALE_TUI_{key.upper()}")
    flags = {
        "url": url,
        "token": SecretStr(token) if token else None,
        "read_only": read_only or None,
    }
    for key, value in flags.items():
        if value is not None:
            _override(values, sources, key, value, f"--{key.replace('_', '-')}")
    profile = Profile.model_validate(values)
    client_settings(profile, name)  # token_env set, CA bundle readable: or ConfigError now
    return name, profile, warnings, sources


def _override(values: dict, sources: dict, key: str, value: Any, label: str) -> None:
    """Apply one flag or environment value; a value that cannot be used is a ConfigError."""
    try:
        Profile.model_validate({**values, key: value})
    except ValidationError as exc:
        errors = [e for e in exc.errors(include_url=False) if e["loc"][:1] == (key,)]
        why = _explain(errors[0]) if errors else "invalid"
        shown = "" if key == "token" else f" (got {mask_url(str(value))!r})"
        raise ConfigError(f"{label}: {why}{shown}") from None
    values[key] = value
    sources[key] = label


def _read_env() -> EnvOverrides:
    try:
        return EnvOverrides()
    except ValidationError as exc:  # only a non-UTF-8 oddity gets here: fields are text
        raise ConfigError(f"environment: {exc.errors()[0]['msg']} (SCALE_TUI_*)") from None


def _permission_warnings(path: Path) -> list[str]:
    if os.name != "posix":
        return []
    mode = path.stat().st_mode & 0o777
    if mode & 0o077:
        return [
            f"{path} is readable by other users (mode {mode:03o}) and may hold tokens; "
            f"run: chmod 600 {path}"
        ]
    return []


_MESSAGES = {
    "less_than_equal": "must be at most {le}",
    "greater_than_equal": "must be at least {ge}",
    "int_parsing": "must be a whole number",
    "int_type": "must be a whole number",
    "int_from_float": "must be a whole number",
    "float_parsing": "must be a number",
    "float_type": "must be a number",
    "bool_parsing": "must be true or false",
    "bool_type": "must be true or false",
    "string_type": "must be a string",
    "dict_type": "must be a table",
    "model_type": "must be a table",
    "model_attributes_type": "must be a table",
    "path_type": "must be a file path",
}


def _explain(error: dict) -> str:
    kind = error["type"]
    if kind == "extra_forbidden":
        return "unknown key" + _suggestion(tuple(str(p) for p in error["loc"]))
    if kind == "value_error":
        return str(error["msg"]).removeprefix("Value error, ")
    template = _MESSAGES.get(kind)
    return template.format(**error.get("ctx", {})) if template else str(error["msg"])


def _suggestion(loc: tuple[str, ...]) -> str:
    known = {1: ConsoleConfig.model_fields, 3: Profile.model_fields}.get(len(loc))
    close = difflib.get_close_matches(loc[-1], list(known or ()), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def _drop(data: Any, loc: tuple[str, ...]) -> None:
    for part in loc[:-1]:
        if not isinstance(data, dict) or part not in data:
            return
        data = data[part]
    if isinstance(data, dict):
        data.pop(loc[-1], None)


def _split_key(key: str) -> tuple[str, ...]:
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"|\'([^\']*)\'|([^.\s]+)', key)
    return tuple(next(p for p in groups if p != "") if any(groups) else "" for groups in parts)


def _line_of(text: str, loc: tuple[str, ...]) -> int | None:
    """The line that sets `loc`, or the deepest table or key above it (tomllib keeps no lines)."""
    table: tuple[str, ...] = ()
    best, best_depth = None, 0
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            table = _split_key(line.strip("[]").split("]")[0])
            path = table
        elif "=" in line:
            path = table + _split_key(line.split("=", 1)[0])
        else:
            continue
        depth = len(path)
        if loc[:depth] == path and depth > best_depth:
            best, best_depth = number, depth
    return best


def run_config_command(args: Any) -> int:
    """`scale-tui config path|show`: where the file is, and the effective profile (token masked).

    ``show`` prints warnings to stderr and exits 1 when there are any, so a script can use it to
    check a config file before a deploy.
    """
    command = getattr(args, "config_command", None)
    if command == "path":
        print(locations.config_file())
        return 0
    if command != "show":
        print("usage: scale-tui config {path,show}", file=sys.stderr)
        return 2
    name, profile, warnings, sources = resolve_with_sources(
        getattr(args, "profile", None),
        url=getattr(args, "url", None),
        token=getattr(args, "token", None),
        read_only=getattr(args, "read_only", None),
    )
    for warning in warnings:
        print(f"warning: {warning}", file=sys.stderr)
    print(f"# effective profile {name!r}; a comment says which setting overrode the default")
    print(f"[profiles.{_toml_key(name)}]")
    for key, value in profile.model_dump(exclude={"keymap"}).items():
        if value is None:
            continue
        if key == "token":
            value = "********"
        elif key == "url":
            value = mask_url(value)
        comment = f"  # from {sources[key]}" if key in sources else ""
        print(f"{key} = {_toml_value(value)}{comment}")
    if profile.keymap:
        print(f"\n[profiles.{_toml_key(name)}.keymap]")
        for binding, keys in profile.keymap.items():
            print(f"{_toml_key(binding)} = {_toml_value(keys)}")
    return 1 if warnings else 0


def _toml_key(key: str) -> str:
    return key if re.fullmatch(r"[A-Za-z0-9_-]+", key) else _toml_value(key)


def _toml_value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'
