"""Command-line arguments shared by the console and every script subcommand."""

from __future__ import annotations

import argparse

from scale_tui.api.numbers import whole_number


def add_connection_arguments(parser: argparse.ArgumentParser, *, defaults: bool = True) -> None:
    # In subparsers default=SUPPRESS keeps a value given before the subcommand.
    default = None if defaults else argparse.SUPPRESS
    parser.add_argument("--profile", metavar="NAME", default=default,
                        help="profile from the config file")
    parser.add_argument("--url", metavar="URL", default=default,
                        help="Scale server root, e.g. https://scale.example/api")
    parser.add_argument("--token", metavar="TOKEN", default=default,
                        help="API token (prefer token_env in the config: flags show up in ps)")
    parser.add_argument("--read-only", action="store_true", default=False if defaults else
                        argparse.SUPPRESS, help="disable cancel, requeue and queue")


def positive_int(text: str) -> int:
    """An id, page or priority as typed: a whole number of at least 1 (checked before any
    request: ``scale-tui job -5`` never reaches the server)."""
    value = whole_number(text)  # ASCII digits only (api/numbers.py): never negative
    if value is None or value < 1:
        kind = "positive " if value == 0 or text.startswith("-") else ""
        raise argparse.ArgumentTypeError(f"must be a {kind}whole number, not {text!r}")
    return value


def exit_codes(*lines: str) -> str:
    """A subcommand's --help epilog: its exit codes, one per line."""
    return "exit status:\n" + "\n".join(f"  {line}" for line in lines)
