"""Where each setting comes from: file < environment < flags."""

from __future__ import annotations

import pytest

from scale_tui.core.config import ConfigError, resolve_profile

CONFIG = """
default_profile = "prod"

[profiles.prod]
url = "https://scale.prod.example/service/scale/api"
page_size = 250
theme = "nord"

[profiles.lab]
url = "http://lab:8000"
read_only = true
"""


def test_file_alone_gives_the_default_profile(write_config):
    write_config(CONFIG)
    name, profile, warnings = resolve_profile()
    assert (name, profile.url, profile.page_size, profile.theme) == (
        "prod",
        "https://scale.prod.example/service/scale/api",
        250,
        "nord",
    )
    assert warnings == []


def test_environment_overrides_file(write_config, monkeypatch):
    write_config(CONFIG)
    monkeypatch.setenv("SCALE_TUI_URL", "http://env:9000")
    monkeypatch.setenv("SCALE_TUI_PAGE_SIZE", "40")
    monkeypatch.setenv("SCALE_TUI_READ_ONLY", "true")
    _, profile, _ = resolve_profile()
    assert (profile.url, profile.page_size, profile.read_only) == ("http://env:9000", 40, True)
    assert profile.theme == "nord"  # what the environment does not set still comes from the file


def test_flags_override_environment(write_config, monkeypatch):
    write_config(CONFIG)
    monkeypatch.setenv("SCALE_TUI_URL", "http://env:9000")
    monkeypatch.setenv("SCALE_TUI_TOKEN", "env-token")
    _, profile, _ = resolve_profile(url="http://flag:7000", token="flag-token", read_only=True)
    assert profile.url == "http://flag:7000"
    assert profile.resolved_token() == "flag-token"
    assert profile.read_only is True


def test_profile_chosen_by_environment_then_flag(write_config, monkeypatch):
    write_config(CONFIG)
    monkeypatch.setenv("SCALE_TUI_PROFILE", "lab")
    assert resolve_profile()[0] == "lab"
    assert resolve_profile()[1].read_only is True
    assert resolve_profile("prod")[0] == "prod"


def test_token_env_names_the_variable_holding_the_token(write_config, monkeypatch):
    write_config('[profiles.default]\ntoken_env = "PROD_SCALE_TOKEN"\n')
    monkeypatch.setenv("PROD_SCALE_TOKEN", "from-variable")
    assert resolve_profile()[1].resolved_token() == "from-variable"


def test_unset_token_env_is_an_error_not_an_anonymous_request(write_config):
    write_config('[profiles.default]\ntoken_env = "NOT_SET_ANYWHERE"\n')
    with pytest.raises(ConfigError, match="token_env names NOT_SET_ANYWHERE, which is not set"):
        resolve_profile()


def test_bad_environment_value_is_an_error_naming_the_variable(write_config, monkeypatch):
    write_config(CONFIG)
    monkeypatch.setenv("SCALE_TUI_PAGE_SIZE", "5000")
    with pytest.raises(ConfigError, match="SCALE_TUI_PAGE_SIZE: must be at most 1000"):
        resolve_profile()


def test_unknown_profile_is_an_error_that_says_which_exist(write_config):
    write_config(CONFIG)
    with pytest.raises(ConfigError, match=r"--profile: no profile named 'staging'.*lab, prod"):
        resolve_profile("staging")


@pytest.mark.parametrize("how", ["flag", "env"])
def test_naming_default_without_a_default_section_is_an_error_too(write_config, monkeypatch, how):
    write_config(CONFIG)  # profiles lab and prod; no [profiles.default]
    if how == "env":
        monkeypatch.setenv("SCALE_TUI_PROFILE", "default")
    with pytest.raises(ConfigError, match=r"no profile named 'default'.*lab, prod"):
        resolve_profile("default" if how == "flag" else None)


def test_no_config_file_means_defaults_without_warnings():
    name, profile, warnings = resolve_profile()
    assert (name, profile.page_size, profile.read_only, warnings) == ("default", 100, False, [])


def test_trailing_v6_in_url_is_dropped_because_the_client_adds_it(write_config):
    write_config('[profiles.default]\nurl = "https://scale.example/api/v6/"\n')
    assert resolve_profile()[1].url == "https://scale.example/api"
