"""Command-line arguments shared by the console and every script subcommand."""

from __future__ import annotations

import argparse


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
