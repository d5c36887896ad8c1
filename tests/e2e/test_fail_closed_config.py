"""Issue 12 findings 1, 2 and 10 through the real command line: explicit input that cannot be
honoured stops with status 2 and one line, before any request reaches the server (the stub's
request log stays empty) — for the scripts and the console alike."""

from __future__ import annotations

import pytest

from server_stub.runner import StubServer
from tests.e2e.cli_run import Cli, forget_requests, requests_seen


@pytest.fixture(scope="module")
def stub():
    with StubServer(jobs=60, seed=3, simulate=False) as server:
        yield server.url


@pytest.fixture
def cli(tmp_path, stub):
    forget_requests(stub)
    return Cli(tmp_path)


def profiles(stub: str) -> str:
    return f"""
default_profile = "prod"

[profiles.prod]
url = "{stub}"
read_only = true

[profiles.lab]
url = "{stub}"
"""


def one_line_error(result, *needles: str) -> None:
    assert result.returncode == 2, (result.returncode, result.stdout, result.stderr)
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for needle in needles:
        assert needle in lines[0], lines[0]


# ---- finding 1: a bad --url is never ignored


def test_requeue_with_a_bad_url_exits_2_and_sends_nothing(cli, stub):
    cli.write_config(profiles(stub))
    result = cli("requeue", "--profile", "lab", "--url", "staging.example:8000", "--job", "1",
                 "--yes")
    one_line_error(result, "--url: must start with http:// or https://",
                   "'staging.example:8000'")
    assert requests_seen(stub) == []


def test_console_with_a_bad_url_exits_2_before_opening(cli, stub):
    cli.write_config(profiles(stub))
    result = cli("--url", "127.0.0.1:58821")
    one_line_error(result, "scale-tui: --url: must start with http://")
    assert requests_seen(stub) == []


def test_the_same_flags_with_a_good_url_do_reach_the_server(cli, stub):
    """The control: the refusals above are about the input, not about the test's setup."""
    cli.write_config(profiles(stub))
    result = cli("jobs", "--profile", "lab", "--url", stub, "-o", "json")
    assert result.returncode == 0, result.stderr
    assert any(r["path"] == "/v6/jobs/" for r in requests_seen(stub))


def test_a_bad_url_in_the_environment_is_an_error_too(cli, stub):
    cli.write_config(profiles(stub))
    result = cli("jobs", SCALE_TUI_URL="ftp://nowhere")
    one_line_error(result, "SCALE_TUI_URL: must start with http://")
    assert requests_seen(stub) == []


# ---- finding 2: a broken config file, an unknown profile


BROKEN_TOML = """
default_profile = "prod"

[profiles.prod]
url = "{stub}"
read_only = true
page_size =
"""


@pytest.mark.parametrize("argv", [["cancel", "--job", "1", "--yes"], ["jobs"], []],
                         ids=["cancel", "jobs", "console"])
def test_a_toml_error_names_file_and_line_and_stops(cli, stub, argv):
    cli.write_config(BROKEN_TOML.format(stub=stub))
    result = cli(*argv)
    one_line_error(result, f"{cli.config} line 7: not valid TOML")
    assert requests_seen(stub) == []


def test_an_unreadable_config_file_stops(cli, stub):
    cli.config.mkdir()  # a directory where the file should be: cannot be read
    one_line_error(cli("jobs"), f"{cli.config}: cannot be read")
    assert requests_seen(stub) == []


@pytest.mark.parametrize("argv", [["jobs", "--profile", "typo"], ["--profile", "typo"]],
                         ids=["jobs", "console"])
def test_an_unknown_profile_stops_and_names_the_known_ones(cli, stub, argv):
    cli.write_config(profiles(stub))
    one_line_error(cli(*argv), "no profile named 'typo'", "(profiles: lab, prod)")
    assert requests_seen(stub) == []


def test_an_unknown_profile_from_the_environment_stops(cli, stub):
    cli.write_config(profiles(stub))
    one_line_error(cli("jobs", SCALE_TUI_PROFILE="typo"), "SCALE_TUI_PROFILE: no profile")
    assert requests_seen(stub) == []


@pytest.mark.parametrize("line", ['read_only = "maybe"', "readonly = true", "read_only = 1.5"])
def test_read_only_is_never_lost_to_a_bad_value(cli, stub, line):
    cli.write_config(f'default_profile = "prod"\n[profiles.prod]\nurl = "{stub}"\n{line}\n')
    one_line_error(cli("cancel", "--job", "1", "--yes"), "profile 'prod' cannot be used",
                   "line 4")
    assert requests_seen(stub) == []


def test_a_read_only_profile_refuses_cancel_before_sending(cli, stub):
    cli.write_config(profiles(stub))
    result = cli("cancel", "--job", "1", "--yes")
    assert result.returncode == 2 and "read-only" in result.stderr
    assert [r for r in requests_seen(stub) if r["method"] == "POST"] == []


def test_a_cosmetic_typo_is_only_a_warning(cli, stub):
    cli.write_config(f'[profiles.default]\nurl = "{stub}"\nrefresh_intervall = 3\n')
    result = cli("jobs", "-o", "json")
    assert result.returncode == 0
    assert "refresh_intervall: unknown key (did you mean refresh_interval?)" in result.stderr


# ---- credentials and TLS: the one way from a profile to a client


def test_unset_token_env_stops_instead_of_sending_no_token(cli, stub):
    cli.write_config(f'[profiles.default]\nurl = "{stub}"\ntoken_env = "NO_SUCH_TOKEN_VAR"\n')
    one_line_error(cli("jobs"), "token_env names NO_SUCH_TOKEN_VAR, which is not set")
    one_line_error(cli(), "token_env names NO_SUCH_TOKEN_VAR")  # the console too
    assert requests_seen(stub) == []


def test_a_missing_ca_bundle_stops_console_and_scripts(cli, stub, tmp_path):
    cli.write_config(f'[profiles.default]\nurl = "{stub}"\nca_bundle = "{tmp_path}/gone.pem"\n')
    for argv in (["jobs"], []):
        one_line_error(cli(*argv), "ca_bundle: CA bundle not found", "gone.pem")
    assert requests_seen(stub) == []


def test_config_show_masks_a_password_in_the_url(cli):
    result = cli("config", "show", "--url", "https://ops:hunter2@scale.example/api")
    assert result.returncode == 0, result.stderr
    assert "hunter2" not in result.stdout + result.stderr
    assert 'url = "https://ops:***@scale.example/api"' in result.stdout


def test_a_bad_url_error_masks_its_password(cli):
    result = cli("jobs", "--url", "scale.example:8000/x?u=1", "--token", "t")
    one_line_error(result, "--url")
    result = cli("jobs", "--url", "ftp://ops:hunter2@scale.example")
    one_line_error(result, "ftp://ops:***@scale.example")
    assert "hunter2" not in result.stderr


# ---- finding 10: the demo never inherits the user's profiles


def test_demo_refuses_flags_that_name_another_server(cli, stub):
    cli.write_config(profiles(stub))
    one_line_error(cli("--demo", "--profile", "prod"), "--demo runs its own server",
                   "--profile")
    assert requests_seen(stub) == []
