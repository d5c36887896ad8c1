"""Files the console writes hold cluster data (issue 17 point 11): a saved log is written whole
or not at all, with what UTF-8 cannot encode replaced, and created 0600 like the console's own
log file, which never stores a raw escape sequence."""

from __future__ import annotations

import logging
import stat
from datetime import UTC, datetime
from types import SimpleNamespace

import pytest

from scale_tui import cli
from scale_tui.screens.save_log import write_log

T0 = datetime(2026, 1, 1, tzinfo=UTC)


def line(message: str, stream: str = "stdout"):
    return SimpleNamespace(timestamp=T0, order=0, stream=stream, message=message)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_a_lone_surrogate_is_replaced_and_the_whole_log_written(tmp_path):
    path = tmp_path / "out.log"
    lines = [line("before"), line("bad \ud800 char"), line("escaped byte \udcff"), line("after")]
    assert write_log(path, lines) == 4
    assert path.read_bytes() == b"before\nbad \xef\xbf\xbd char\nescaped byte \xff\nafter\n"
    assert mode(path) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["out.log"]  # no temporary file left


def test_a_failed_save_leaves_the_older_file_whole(tmp_path, monkeypatch):
    path = tmp_path / "out.log"
    path.write_text("the older log\n")

    class Exploding:
        timestamp, order, stream = T0, 0, "stdout"

        @property
        def message(self):
            raise OSError("disk full")

    with pytest.raises(OSError, match="disk full"):
        write_log(path, [line("first"), Exploding()])
    assert path.read_text() == "the older log\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.log"]


def test_a_saved_log_replacing_a_readable_file_is_private(tmp_path):
    path = tmp_path / "out.log"
    path.write_text("old\n")
    path.chmod(0o644)
    write_log(path, [line("new")], timestamps=True)
    assert mode(path) == 0o600
    assert path.read_text() == "2026-01-01T00:00:00+00:00 stdout new\n"


@pytest.fixture
def console_log(tmp_path):
    path = tmp_path / "state" / "scale-tui.log"
    logger = logging.getLogger("scale_tui")
    before, level = logger.handlers[:], logger.level
    logger.handlers.clear()
    cli._setup_logging(str(path))
    yield path, logger
    for handler in logger.handlers:
        handler.close()
    logger.handlers[:] = before
    logger.setLevel(level)


def test_the_console_log_file_is_private_and_inert(console_log):
    path, logger = console_log
    logger.warning("server said %s", "\x1b]52;c;ZXZpbA==\x07\x1b[31mred\x1b[0m \ud800 \x9b2J")
    for handler in logger.handlers:
        handler.flush()
    assert mode(path) == 0o600
    data = path.read_bytes()
    assert b"server said" in data
    for raw in (b"\x1b", b"\x07", b"\xc2\x9b"):
        assert raw not in data
    data.decode("utf-8")  # strict: the lone surrogate did not get through raw


def test_an_older_console_log_file_becomes_private(tmp_path):
    path = tmp_path / "scale-tui.log"
    path.write_text("old\n")
    path.chmod(0o644)
    logger = logging.getLogger("scale_tui")
    before = logger.handlers[:]
    logger.handlers.clear()
    try:
        cli._setup_logging(str(path))
        assert mode(path) == 0o600
    finally:
        for handler in logger.handlers:
            handler.close()
        logger.handlers[:] = before
