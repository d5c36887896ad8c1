"""A bad config file is reported with its line and key; the console still starts."""

from __future__ import annotations

import os

import pytest

from scale_tui.core.config import ConfigError, resolve_profile

BAD_VALUE = """\
default_profile = "prod"

[profiles.prod]
url = "https://scale.example"
read_only = true

page_size = 5000
"""


def test_value_out_of_range_names_line_and_key(write_config):
    write_config(BAD_VALUE)
    _, profile, warnings = resolve_profile()
    assert any(
        "config.toml line 7: profiles.prod.page_size: must be at most 1000" in w for w in warnings
    )
    # Only the bad key is lost: the rest of the profile still applies.
    assert (profile.url, profile.read_only, profile.page_size) == (
        "https://scale.example",
        True,
        100,
    )


def test_misspelt_key_is_named_with_a_suggestion(write_config):
    write_config('[profiles.default]\nurl = "http://a:1"\nrefresh_intervall = 3\n')
    warnings = resolve_profile()[2]
    assert any(
        "line 3: profiles.default.refresh_intervall: unknown key (did you mean refresh_interval?)"
        in w
        for w in warnings
    )


def test_wrong_type_in_dotted_table_header_makes_that_profile_unusable(write_config):
    write_config('[profiles."my lab"]\nverify_tls = "maybe"\n')
    with pytest.raises(ConfigError,
                       match=r"line 2: profiles\.my lab\.verify_tls: must be true or false"):
        resolve_profile("my lab")


def test_toml_syntax_error_names_its_line_and_stops(write_config):
    write_config('[profiles.prod]\nurl = "http://a:1"\npage_size = \n')
    with pytest.raises(ConfigError, match=r"config\.toml line 3: not valid TOML"):
        resolve_profile()


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_config_readable_by_others_gets_a_warning(write_config):
    path = write_config('[profiles.default]\ntoken = "abc"\n')
    assert not any("readable by other users" in w for w in resolve_profile()[2])
    path.chmod(0o644)
    warnings = resolve_profile()[2]
    assert any("readable by other users (mode 644)" in w and "chmod 600" in w for w in warnings)


async def test_console_starts_with_a_bad_file_and_shows_the_warning(write_config, stub_url):
    from scale_tui.app import ScaleApp

    write_config(f'[profiles.default]\nurl = "{stub_url}"\npage_size = 5000\n')
    name, profile, warnings = resolve_profile()
    app = ScaleApp(name, profile, warnings=warnings)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        shown = [n.message for n in app._notifications]
        assert any("line 3: profiles.default.page_size: must be at most 1000" in m for m in shown)
        assert app.page_size == 100 and app.profile.url == stub_url


def test_dotted_keys_and_inline_tables_are_located_too(write_config):
    write_config(
        "[profiles]\n"
        "lab.url = 'http://lab:1'\n"
        "lab.page_size = 0\n"
        'prod = { url = "http://prod:1", log_buffer = 5 }\n'
    )
    warnings = resolve_profile("lab")[2]
    assert any("line 3: profiles.lab.page_size: must be at least 1" in w for w in warnings)
    assert any("line 4: profiles.prod.log_buffer: must be at least 1000" in w for w in warnings)
