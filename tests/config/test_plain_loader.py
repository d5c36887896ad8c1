"""The plain loader (core/config.py, no settings library): every way a value can be wrong is
named, and the fail-closed line between safety settings (stop) and cosmetic ones (warn, drop)
holds for the file, the environment and the flags alike."""

from __future__ import annotations

import pytest

from scale_tui.core.config import ConfigError, Profile, resolve_profile, resolve_with_sources


@pytest.mark.parametrize(("variable", "value", "message"), [
    ("SCALE_TUI_READ_ONLY", "maybe", "SCALE_TUI_READ_ONLY: must be true or false (got 'maybe')"),
    ("SCALE_TUI_VERIFY_TLS", "2", "SCALE_TUI_VERIFY_TLS: must be true or false"),
    ("SCALE_TUI_PAGE_SIZE", "many", "SCALE_TUI_PAGE_SIZE: must be a whole number"),
    ("SCALE_TUI_PAGE_SIZE", "0", "SCALE_TUI_PAGE_SIZE: must be at least 1"),
    ("SCALE_TUI_REFRESH_INTERVAL", "nan", "SCALE_TUI_REFRESH_INTERVAL: must be a number"),
    ("SCALE_TUI_TIMEOUT", "0", "SCALE_TUI_TIMEOUT: must be more than 0"),
    ("SCALE_TUI_LOG_BUFFER", "5", "SCALE_TUI_LOG_BUFFER: must be at least 1000"),
    ("SCALE_TUI_URL", "", "SCALE_TUI_URL: must start with http:// or https://"),
])
def test_a_bad_environment_value_stops_and_names_the_variable(monkeypatch, variable, value,
                                                              message):
    monkeypatch.setenv(variable, value)
    with pytest.raises(ConfigError) as caught:
        resolve_profile()
    assert message in str(caught.value)


def test_environment_text_is_read_by_the_settings_rules(monkeypatch):
    for variable, value in (("SCALE_TUI_READ_ONLY", "yes"), ("SCALE_TUI_VERIFY_TLS", "off"),
                            ("SCALE_TUI_TIMEOUT", " 2.5 "), ("SCALE_TUI_PAGE_SIZE", "40"),
                            ("scale_tui_theme", "nord")):  # names in any case, as before
        monkeypatch.setenv(variable, value)
    _name, profile, warnings, sources = resolve_with_sources()
    assert (profile.read_only, profile.verify_tls, profile.timeout, profile.page_size,
            profile.theme) == (True, False, 2.5, 40, "nord")
    assert sources["page_size"] == "SCALE_TUI_PAGE_SIZE" and warnings == []


@pytest.mark.parametrize(("text", "message"), [
    ("default_profile = 3\n", "line 1: default_profile: must be a string"),
    ("profiles = 3\n", "line 1: profiles: must be a table"),
])
def test_a_bad_top_level_stops(write_config, text, message):
    write_config(text)
    with pytest.raises(ConfigError, match=message):
        resolve_profile()


@pytest.mark.parametrize(("line", "message"), [
    ('url = "ftp://x"', "profiles.p.url: must start with http:// or https://"),
    ("token = 12", "profiles.p.token: must be a string"),
    ("token_env = false", "profiles.p.token_env: must be a string"),
    ("ca_bundle = 3", "profiles.p.ca_bundle: must be a file path"),
    ("verify_tls = 0.5", "profiles.p.verify_tls: must be true or false"),
    ('verfy_tls = false', "profiles.p.verfy_tls: unknown key (did you mean verify_tls?)"),
])
def test_a_bad_safety_setting_makes_its_profile_unusable(write_config, line, message):
    body = line if line.startswith("url") else f'url = "http://a:1"\n{line}'
    write_config(f"[profiles.p]\n{body}\n")
    with pytest.raises(ConfigError, match="profile 'p' cannot be used") as caught:
        resolve_profile("p")
    assert message in str(caught.value) and "line " in str(caught.value)


def test_a_profile_that_is_not_a_table_is_unusable_the_others_are_fine(write_config):
    write_config('[profiles]\nodd = 3\n[profiles.good]\nurl = "http://a:1"\n')
    with pytest.raises(ConfigError, match=r"profile 'odd' cannot be used: .*profiles\.odd: "
                                          r"must be a table"):
        resolve_profile("odd")
    assert resolve_profile("good")[1].url == "http://a:1"


def test_cosmetic_misfits_are_dropped_one_by_one_with_a_warning(write_config):
    write_config('[profiles.default]\nurl = "http://a:1"\ntimeout = 0\ntheme = 7\n'
                 'refresh_interval = 2\ncolour = "red"\n'
                 '[profiles.default.keymap]\n"jobs.refresh" = "f5"\n"jobs.quit" = 9\n')
    _, profile, warnings = resolve_profile()
    expected = ["line 3: profiles.default.timeout: must be more than 0 (ignored)",
                "line 4: profiles.default.theme: must be a string (ignored)",
                "line 6: profiles.default.colour: unknown key",
                "line 9: profiles.default.keymap.jobs.quit: must be a string (ignored)"]
    for needle in expected:
        assert any(needle in w for w in warnings), (needle, warnings)
    assert (profile.timeout, profile.theme, profile.refresh_interval) == (10.0, "textual-dark",
                                                                          2.0)
    assert profile.keymap == {"jobs.refresh": "f5"}


def test_an_unknown_top_level_key_is_a_warning(write_config):
    write_config('default_profil = "x"\n')
    assert any("default_profil: unknown key (did you mean default_profile?)" in w
               for w in resolve_profile()[2])


def test_a_profile_is_read_by_the_same_rules_and_does_not_change():
    with pytest.raises(ConfigError, match="page_size: must be at most 1000"):
        Profile(page_size=5000)
    with pytest.raises(ConfigError, match="readonly: unknown key"):
        Profile(readonly=True)
    profile = Profile(url="http://a:1/v6/", page_size="40")
    assert (profile.url, profile.page_size) == ("http://a:1", 40)
    with pytest.raises(AttributeError):
        profile.read_only = True  # type: ignore[misc]
    moved = profile.model_copy(update={"url": "http://b:2"})
    assert (moved.url, moved.page_size, profile.url) == ("http://b:2", 40, "http://a:1")
    assert moved != profile and Profile(url="http://a:1", page_size=40) == profile
