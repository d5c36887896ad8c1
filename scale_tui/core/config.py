"""Console configuration: named profiles in a TOML file, overridden by environment and flags.

Precedence is file < environment (``SCALE_TUI_*``) < flags, as operators expect from kubectl and
k9s. Tokens are ``Secret`` so they never reach a repr, a log or ``config show``. Plain Python
(tomllib, os.environ): a script pays no settings library at start (issue 15, docs/startup.md).

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

import math
import os
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from scale_tui.core import locations
from scale_tui.core.connect import ConfigError, client_settings, mask_url

__all__ = ["DEFAULT_PROFILE", "DEMO_PROFILE", "ENV_KEYS", "SAFETY_KEYS", "SETTINGS", "ConfigError",
           "ConsoleConfig", "LoadedConfig", "Profile", "Secret", "load_config", "read_config",
           "resolve_profile", "resolve_with_sources", "run_config_command"]

DEMO_PROFILE = "demo"
DEFAULT_PROFILE = "default"
# Settings that decide which server, which credentials, and whether actions are allowed: a bad
# value here stops the console instead of being dropped (dropping read_only would allow actions).
SAFETY_KEYS = frozenset({"url", "token", "token_env", "verify_tls", "ca_bundle", "read_only"})


class Secret:
    """A token: never shown by repr, str or ``config show``; ``get_secret_value()`` reads it."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value

    def get_secret_value(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "Secret('**********')"

    def __str__(self) -> str:
        return "**********"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Secret) and other._value == self._value

    def __hash__(self) -> int:
        return hash(self._value)


class Misfit(ValueError):
    """A value a setting cannot take; the message says what it must be ("must be at most 1000")."""


# ---- the reading rules, one per kind of value (the file's and the environment's alike: the
# environment gives text, so numbers and booleans are also read from text)

_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})


def _text(value: Any) -> str:
    if not isinstance(value, str):
        raise Misfit("must be a string")
    return value


def _boolean(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    if isinstance(value, str) and value.lower() in _TRUE | _FALSE:
        return value.lower() in _TRUE
    raise Misfit("must be true or false")


def _whole(value: Any) -> int:
    if isinstance(value, bool):
        raise Misfit("must be a whole number")
    if isinstance(value, int):
        return value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, str):
        try:
            return int(value.strip())
        except ValueError:
            pass
    raise Misfit("must be a whole number")


def _number(value: Any) -> float:
    if isinstance(value, bool):
        raise Misfit("must be a number")
    try:
        number = float(value.strip() if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise Misfit("must be a number") from None
    if not math.isfinite(number):
        raise Misfit("must be a number")
    return number


def _url(value: Any) -> str:
    url = _text(value).strip().rstrip("/")
    if not re.match(r"^https?://[^/\s]+", url):
        raise Misfit("must start with http:// or https:// and name a host")
    return url.removesuffix("/v6")


def _token(value: Any) -> Secret:
    return value if isinstance(value, Secret) else Secret(_text(value))


def _path(value: Any) -> Path:
    if isinstance(value, Path):
        return value
    if not isinstance(value, str):
        raise Misfit("must be a file path")
    return Path(value)


def _keymap(value: Any) -> dict[str, str]:
    if not isinstance(value, dict):
        raise Misfit("must be a table")
    for key, keys in value.items():
        if not isinstance(keys, str):
            raise Misfit(f"{key}: must be a string")
    return dict(value)


class Setting(NamedTuple):
    """One profile setting: how it is read, its default, its bounds, what it is for."""

    read: Callable[[Any], Any]
    default: Any
    help: str
    low: float | None = None  # at least (or more than, with low_open)
    high: float | None = None  # at most
    low_open: bool = False

    def check(self, value: Any) -> Any:
        """The value as the console uses it, or Misfit saying what it must be."""
        value = self.read(value)
        if self.low is not None and (value <= self.low if self.low_open else value < self.low):
            raise Misfit(f"must be {'more than' if self.low_open else 'at least'} "
                         f"{_shown(self.low)}")
        if self.high is not None and value > self.high:
            raise Misfit(f"must be at most {_shown(self.high)}")
        return value


def _shown(bound: float) -> str:
    return str(int(bound)) if float(bound).is_integer() else str(bound)


# Every profile setting, in the order `config show` prints them. The one place that says what
# a setting may hold: the file, SCALE_TUI_* and the flags are all read by these rules.
SETTINGS: dict[str, Setting] = {
    "url": Setting(_url, "http://127.0.0.1:8000",
                   "Root URL of the Scale server (with its script prefix, e.g. "
                   "https://host/service/scale/api); the console adds /v6/ itself, so a "
                   "trailing /v6 is dropped."),
    "token": Setting(_token, None, "API token, sent as `Authorization: Token <token>`. Prefer "
                     "token_env: a file holds it in clear."),
    "token_env": Setting(_text, None, "Name of an environment variable holding the token (used "
                         "when token is not set)."),
    "verify_tls": Setting(_boolean, True, "Verify the server's TLS certificate. Turn off only "
                          "for a lab server you trust."),
    "ca_bundle": Setting(_path, None, "A PEM file of CA certificates to verify the server with "
                         "(a private CA)."),
    "read_only": Setting(_boolean, False, "Disable every action (cancel, requeue, queue a new "
                         "job) for this server."),
    "timeout": Setting(_number, 10.0, "Seconds to wait for the server's answer before calling "
                       "it unreachable (the fleet view also bounds each cluster's whole check "
                       "by it).", low=0.0, high=300.0, low_open=True),
    "theme": Setting(_text, "textual-dark", "Textual theme name; give production a different "
                     "one so it is never mistaken for a lab."),
    "refresh_interval": Setting(_number, 5.0, "Seconds between refreshes of the job list (at "
                                "least 1).", low=1.0, high=3600.0),
    "page_size": Setting(_whole, 100, "Jobs per page, 1 to 1000 (Scale's own maximum).",
                         low=1, high=1000),
    "log_buffer": Setting(_whole, 100_000, "Log lines kept in memory per log view; older lines "
                          "are dropped and the view says so.", low=1000, high=10_000_000),
    "triage_cap": Setting(_whole, 50_000, "Triage reads at most this many failed jobs of a "
                          "window (newest first) and says where it cut the window beyond that.",
                          low=1000, high=1_000_000),
    "timezone": Setting(_text, "UTC", "Time zone for displayed times (IANA name, e.g. "
                        "Europe/Berlin)."),
    "keymap": Setting(_keymap, None, "Binding id -> key(s), e.g. `\"jobs.refresh\" = \"f5\"`; "
                      "replaces that binding's default keys."),
}
# The SCALE_TUI_* variables and the setting each overrides (SCALE_TUI_PROFILE picks the profile).
ENV_KEYS = ("url", "token", "read_only", "verify_tls", "ca_bundle", "theme", "refresh_interval",
            "page_size", "log_buffer", "timezone", "timeout")
CONFIG_KEYS = ("default_profile", "profiles")  # the file's top level


class Profile:
    """One Scale server and how to talk to it (the settings are SETTINGS, read by its rules).

    ``Profile(**values)`` reads each value by its setting's rule and raises ConfigError for a
    value it cannot take or an unknown setting. The fields given are remembered (``given``), so
    the file's values can be overridden one by one without the defaults counting as given."""

    url: str
    token: Secret | None
    token_env: str | None
    verify_tls: bool
    ca_bundle: Path | None
    read_only: bool
    timeout: float
    theme: str
    refresh_interval: float
    page_size: int
    log_buffer: int
    triage_cap: int
    timezone: str
    keymap: dict[str, str]

    __slots__ = (*SETTINGS, "given")

    def __init__(self, **values: Any) -> None:
        for key, value in values.items():
            setting = SETTINGS.get(key)
            if setting is None:
                raise ConfigError(f"{key}: unknown key{_suggestion(key, SETTINGS)}")
            try:
                value = None if value is None and setting.default is None else setting.check(value)
            except Misfit as exc:
                raise ConfigError(f"{key}: {exc}") from None
            object.__setattr__(self, key, value)
        for key, setting in SETTINGS.items():
            if key not in values:
                object.__setattr__(self, key, {} if key == "keymap" else setting.default)
        if self.keymap is None:
            object.__setattr__(self, "keymap", {})
        object.__setattr__(self, "given", frozenset(values))

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("a Profile does not change: make another (model_copy)")

    def model_dump(self, *, exclude: set[str] | frozenset[str] = frozenset(),
                   exclude_unset: bool = False) -> dict[str, Any]:
        """The settings by name (only those given, with exclude_unset)."""
        keys = [k for k in SETTINGS if k not in exclude and (not exclude_unset or k in self.given)]
        return {key: getattr(self, key) for key in keys}

    def model_copy(self, *, update: dict[str, Any] | None = None) -> Profile:
        """This profile with ``update`` applied (each new value read by its rule)."""
        return Profile(**{**self.model_dump(exclude_unset=True), **(update or {})})

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Profile) and self.model_dump() == other.model_dump()

    __hash__ = None  # type: ignore[assignment]  (equal by value, and holds a dict)

    def __repr__(self) -> str:
        fields = ", ".join(f"{key}={value!r}" for key, value in self.model_dump().items())
        return f"Profile({fields})"

    def resolved_token(self) -> str | None:
        """The token to send (core.connect decides; raises ConfigError for an unset token_env)."""
        return client_settings(self).token

    def tls_verify(self) -> Any:
        """What to pass as httpx's ``verify`` (core.connect decides; a bad bundle raises)."""
        return client_settings(self).verify


@dataclass
class ConsoleConfig:
    """The whole config file: ``default_profile`` (used when neither --profile nor
    SCALE_TUI_PROFILE names one) and the named profiles, one ``[profiles.NAME]`` table each."""

    default_profile: str = DEFAULT_PROFILE
    profiles: dict[str, Profile] = field(default_factory=dict)


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
    import tomllib  # only when there is a file to read (issue 15: a start without one skips it)

    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        msg = str(exc)
        match = re.search(r"\(at line (\d+), column \d+\)$", msg)
        where = f" line {match.group(1)}" if match else ""
        msg = msg[: match.start()].strip() if match else msg
        raise ConfigError(f"{path}{where}: not valid TOML: {msg}") from None

    def problem(loc: tuple[str, ...], why: str) -> str:
        line = _line_of(text, loc)
        return f"{path}{f' line {line}' if line else ''}: {'.'.join(loc)}: {why}"

    # A bad top level leaves no profile that can be chosen safely: stop. An unknown top-level
    # key is only a warning.
    for key in data:
        if key not in CONFIG_KEYS:
            warnings.append(problem((key,), f"unknown key{_suggestion(key, CONFIG_KEYS)}")
                            + " (ignored)")
    default = data.get("default_profile", DEFAULT_PROFILE)
    if not isinstance(default, str):
        raise ConfigError(problem(("default_profile",), "must be a string"))
    tables = data.get("profiles", {})
    if not isinstance(tables, dict):
        raise ConfigError(problem(("profiles",), "must be a table"))
    profiles: dict[str, Profile] = {}
    broken: dict[str, str] = {}
    for name, table in tables.items():
        values, why = _read_profile(name, table, problem, warnings)
        if why is None:
            profiles[name] = Profile(**values)
        else:
            broken[name] = why
    config = ConsoleConfig(default_profile=default, profiles=profiles)
    return LoadedConfig(config, warnings, broken, "default_profile" in data)


def _read_profile(name: str, table: Any, problem: Callable[[tuple[str, ...], str], str],
                  warnings: list[str]) -> tuple[dict[str, Any], str | None]:
    """One ``[profiles.NAME]`` table: its values, and why the profile cannot be used (or None).

    A bad safety setting (or a misspelt key that looks like one: ``readonly``) makes the whole
    profile unusable; a bad cosmetic setting is dropped with a warning and its default applies.
    """
    if not isinstance(table, dict):
        return {}, problem(("profiles", name), "must be a table")
    values: dict[str, Any] = {}
    for key, value in table.items():
        loc = ("profiles", name, key)
        setting = SETTINGS.get(key)
        if setting is None:
            if _looks_like_safety(key):
                return {}, problem(loc, f"unknown key{_suggestion(key, SETTINGS)}")
            warnings.append(problem(loc, f"unknown key{_suggestion(key, SETTINGS)}")
                            + " (ignored)")
            continue
        if key == "keymap" and isinstance(value, dict):  # one bad binding costs only itself
            value = dict(value)
            for binding, keys in list(value.items()):
                if not isinstance(keys, str):
                    warnings.append(problem((*loc, binding), "must be a string") + " (ignored)")
                    del value[binding]
        try:
            values[key] = setting.check(value)
        except Misfit as exc:
            if key in SAFETY_KEYS:
                return {}, problem(loc, str(exc))
            warnings.append(problem(loc, str(exc)) + " (ignored)")
    return values, None


def load_config(path: Path | None = None) -> tuple[ConsoleConfig, list[str]]:
    """The usable profiles and the warnings (for listings such as the profile switcher)."""
    loaded = read_config(path)
    return loaded.config, loaded.warnings + list(loaded.broken.values())


def _looks_like_safety(key: str) -> bool:
    import difflib  # only for a key that is not a setting

    close = difflib.get_close_matches(key, list(SETTINGS), n=1)
    return bool(close) and close[0] in SAFETY_KEYS


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
    env_profile = env.pop("profile", None)
    if name:
        asked = "--profile"
    elif env_profile:
        asked, name = "SCALE_TUI_PROFILE", env_profile
    elif loaded.names_default:
        asked, name = f"default_profile in {config_path}", config.default_profile
    else:
        asked, name = "", config.default_profile
    if name in loaded.broken:
        raise ConfigError(f"profile {name!r} cannot be used: {loaded.broken[name]}")
    if name in config.profiles:
        values = config.profiles[name].model_dump(exclude_unset=True)
    elif asked:  # named on purpose, even "default": a profile the file lacks is never made up
        known = ", ".join(sorted(config.profiles)) or "none"
        raise ConfigError(f"{asked}: no profile named {name!r} in {config_path} "
                          f"(profiles: {known})")
    else:
        values = {}  # nothing was asked for: the built-in defaults apply
    sources: dict[str, str] = dict.fromkeys(values, str(config_path))
    for key, value in env.items():
        _override(values, sources, key, value, f"SCALE_TUI_{key.upper()}")
    flags = {"url": url, "token": token or None, "read_only": read_only or None}
    for key, value in flags.items():
        if value is not None:
            _override(values, sources, key, value, f"--{key.replace('_', '-')}")
    profile = Profile(**values)
    client_settings(profile, name)  # token_env set, CA bundle readable: or ConfigError now
    return name, profile, warnings, sources


def _override(values: dict, sources: dict, key: str, value: Any, label: str) -> None:
    """Apply one flag or environment value; a value that cannot be used is a ConfigError."""
    try:
        values[key] = SETTINGS[key].check(value)
    except Misfit as exc:
        shown = "" if key == "token" else f" (got {mask_url(str(value))!r})"
        raise ConfigError(f"{label}: {exc}{shown}") from None
    sources[key] = label


def _read_env() -> dict[str, str]:
    """The SCALE_TUI_* variables that are set (names in any case, as before), as text: each is
    read by its setting's rule when it is applied, so a bad one is named."""
    wanted = {f"SCALE_TUI_{key.upper()}": key for key in ("profile", *ENV_KEYS)}
    found: dict[str, str] = {}
    for variable, value in os.environ.items():
        key = wanted.get(variable.upper())
        if key is not None:
            found[key] = value
    return found


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


def _suggestion(key: str, known: Any) -> str:
    import difflib  # only for a key that is not a setting

    close = difflib.get_close_matches(key, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


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
