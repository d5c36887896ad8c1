"""A token is never printed or logged."""

from __future__ import annotations

import argparse
import json
import logging

from scale_tui.core.config import Profile, resolve_profile, run_config_command

TOKEN = "tok-3f9a-very-secret"


def test_token_is_masked_in_repr_str_and_json():
    profile = Profile(token=TOKEN)
    for text in (
        repr(profile),
        str(profile),
        json.dumps(profile.model_dump(), default=str),
        repr(profile.model_dump()),
    ):
        assert TOKEN not in text
    assert profile.resolved_token() == TOKEN


def test_config_show_masks_the_token_and_names_its_source(write_config, capsys, monkeypatch):
    write_config(f'[profiles.default]\nurl = "http://a:1"\ntoken = "{TOKEN}"\n')
    monkeypatch.setenv("SCALE_TUI_URL", "http://b:2")
    code = run_config_command(argparse.Namespace(config_command="show", profile=None))
    out = capsys.readouterr()
    assert code == 0
    assert TOKEN not in out.out + out.err
    assert 'token = "********"' in out.out
    assert 'url = "http://b:2"  # from SCALE_TUI_URL' in out.out


def test_token_given_as_flag_never_reaches_warnings_or_logs(write_config, caplog, monkeypatch):
    write_config(f'[profiles.default]\ntoken = "{TOKEN}"\npage_size = "many"\n')
    monkeypatch.setenv("SCALE_TUI_TOKEN", TOKEN)
    with caplog.at_level(logging.DEBUG):
        _, profile, warnings = resolve_profile(token=TOKEN)
    assert warnings  # the bad page_size is reported...
    assert TOKEN not in " ".join(warnings) + caplog.text + repr(profile)  # ...the token is not


def test_config_path_prints_the_file_location(capsys, tmp_path):
    assert run_config_command(argparse.Namespace(config_command="path", profile=None)) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "config.toml")


def test_config_show_exits_nonzero_when_the_file_needs_attention(write_config, capsys):
    write_config('[profiles.default]\npage_size = 0\n')
    assert run_config_command(argparse.Namespace(config_command="show", profile=None)) == 1
    assert "line 2: profiles.default.page_size: must be at least 1" in capsys.readouterr().err
