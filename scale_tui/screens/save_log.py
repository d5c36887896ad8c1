"""Saving a log to a file: the writer (pure) and the dialog that asks where.

A saved log is the job's output as it wrote it: each message verbatim, escape sequences and all
(a file is data; ``less -R`` or an editor decides how to show it), one per line, optionally with
its timestamp and stream. Every line in the buffer is written, not only the lines on screen.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from scale_tui.core.log_buffer import LogLineLike
from scale_tui.core.sanitize import display_text
from scale_tui.widgets.guard import Guarded

__all__ = ["SaveLogScreen", "default_log_name", "resolve_save_path", "write_log"]


def default_log_name(execution_id: int, stream: str) -> str:
    return f"execution-{execution_id}-{stream}.log"


def resolve_save_path(typed: str, default_name: str) -> Path:
    """The file a typed path means: ``~`` expanded, a directory gets the default file name.

    Raises ``ValueError`` with a message naming what is wrong.
    """
    text = typed.strip()
    if not text:
        raise ValueError("type a file path to save to")
    path = Path(text).expanduser()
    if path.is_dir() or text.endswith(("/", "\\")):
        path = path / default_name
    return path


def write_log(path: Path, lines: Sequence[LogLineLike], *, timestamps: bool = False) -> int:
    """Write ``lines`` to ``path`` (replacing it): the whole log or nothing; the number of
    lines written.

    The lines go to a temporary file beside ``path`` (created 0600: a log holds cluster data),
    which replaces ``path`` only once complete, so a failure leaves no truncated file and an
    older file whole. With ``timestamps`` each line starts with its ISO timestamp and stream,
    like ``2026-01-01T00:00:03.123000+00:00 stderr ...``. A character UTF-8 cannot encode (a
    lone surrogate) is written as U+FFFD; bytes the client could not decode
    (surrogateescape) go back out as they came. Raises ``OSError`` as the system reports it.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".part")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", errors="surrogateescape", newline="\n") as out:
            if timestamps:
                out.writelines(_encodable(f"{line.timestamp.isoformat()} {line.stream} "
                                          f"{line.message}\n") for line in lines)
            else:
                out.writelines(_encodable(f"{line.message}\n") for line in lines)
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temp)
        raise
    return len(lines)


_UNENCODABLE = re.compile("[\ud800-\udc7f\udd00-\udfff]")  # surrogates, bar surrogateescape's


def _encodable(text: str) -> str:
    return _UNENCODABLE.sub("\ufffd", text) if not text.isascii() else text


class SaveLogScreen(Guarded, ModalScreen[Path | None]):
    """Asks for a path (the default filled in), saves, and reports errors without closing."""

    DEFAULT_CSS = """
    SaveLogScreen { align: center middle; }
    SaveLogScreen > Vertical {
        width: 90%; max-width: 110; height: auto; padding: 1 2;
        border: round $accent; background: $surface;
    }
    SaveLogScreen #save-error { color: $text-error; }
    SaveLogScreen #save-hint { color: $text-muted; }
    """
    BINDINGS = [Binding("escape", "cancel", "Cancel", id="log.save.cancel")]

    def __init__(
        self, default_path: Path, lines: Callable[[], Sequence[LogLineLike]], *,
        timestamps: bool, summary: str,
    ) -> None:
        super().__init__()
        self.default_path = default_path
        self._lines = lines
        self._timestamps = timestamps
        self._summary = summary

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Content(display_text(self._summary)), id="save-title")
            yield Input(str(self.default_path), id="save-path")
            yield Label("", id="save-error")
            yield Label(Content("Enter saves · Escape cancels"), id="save-hint")

    def on_mount(self) -> None:
        self._check(self.query_one(Input).value)

    def on_input_changed(self, event: Input.Changed) -> None:
        self._check(event.value)

    def _check(self, typed: str) -> None:
        hint = "Enter saves · Escape cancels"
        try:
            path = resolve_save_path(typed, self.default_path.name)
        except ValueError:
            path = None
        if path is not None and path.exists():
            hint = f"{path} exists: Enter replaces it · Escape cancels"
        self.query_one("#save-hint", Label).update(Content(hint))

    async def on_input_submitted(self, event: Input.Submitted) -> None:
        error = self.query_one("#save-error", Label)
        try:
            path = resolve_save_path(event.value, self.default_path.name)
            lines = self._lines()
            await asyncio.to_thread(write_log, path, lines, timestamps=self._timestamps)
        except (ValueError, OSError) as exc:
            # the typed path stays in the input to be corrected
            error.update(Content(display_text(f"Not saved: {exc}")))
            return
        self.dismiss(path)

    def action_cancel(self) -> None:
        self.dismiss(None)
