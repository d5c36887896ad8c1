"""What the script subcommands print: tables or JSON on stdout, notes on stderr, times in the
profile's zone.

Server text is data here as in the console, through the same boundary (scale_tui/core/sanitize.py):
- human output (tables, job facts, log lines, notes and error lines on stderr) is always
  `display_text`: controls, ESC sequences, bidi and zero-width characters show as visible
  escapes, whether stdout is a terminal, a pipe or a file (a pipe often ends on a terminal:
  ``| less``, ``| head``, ``| tee``);
- ``--output json`` is the data exactly (``json.loads`` gives back every byte the server sent),
  with those same characters written as JSON ``\\uXXXX`` escapes, so it is inert too;
- ``log --raw`` prints messages exactly as written, and only when stdout is not a terminal.
"""

from __future__ import annotations

import argparse
import csv
from datetime import UTC, datetime
from typing import Any, TextIO

from scale_tui.api import Job, LogLine
from scale_tui.core import clock
from scale_tui.core.formatting import format_duration, format_time, zone, zone_label
from scale_tui.core.sanitize import display_text, json_text


class Printer:
    def __init__(self, out: TextIO, err: TextIO, args: argparse.Namespace, profile: Any) -> None:
        self.out, self.err = out, err
        self.json = getattr(args, "output", "table") == "json"
        self.zone = zone(getattr(profile, "timezone", "UTC"))
        self.raw = bool(getattr(args, "raw", False))
        """``log --raw``: messages exactly as written (the caller refuses it on a terminal)."""

    def line(self, text: str = "") -> None:
        """A line of human output; ``text`` is already display text."""
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        """A line on stderr; it may quote the server (a status, a detail), so it is escaped."""
        print(display_text(text, limit=None, newlines=True), file=self.err, flush=True)

    def data(self, value: Any) -> None:
        self.line(json_text(value, indent=2))

    def time(self, value: datetime | None) -> str:
        """A time in a table cell: in the profile's zone, which the column's header names."""
        return format_time(value, self.zone)

    def when(self, value: datetime | None) -> str:
        """A time on its own (a fact, a note): in the profile's zone, named (``... EST``)."""
        return self.time(value) if value is None else f"{self.time(value)} {self.zone_name(value)}"

    def zone_name(self, moment: datetime | None = None) -> str:
        """``UTC``, ``EST``, ``CEST``: the zone's name at ``moment`` (now by default)."""
        return zone_label(self.zone, moment or clock.now())

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        """Aligned columns; a time column's header names the zone its cells are in, once (the
        console names it once too, in its header), rather than on every row."""
        headers = [f"{h} ({self.zone_name()})" if h in TIME_COLUMNS else h for h in headers]
        shown = [headers, *([display_text(cell) for cell in row] for row in rows)]
        widths = [max(len(row[i]) for row in shown) for i in range(len(headers))]
        for row in shown:
            self.line("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())

    def csv(self, headers: list[str], rows: list[list[str]]) -> None:
        """RFC 4180 CSV on stdout; server text made inert as in tables (never cut)."""
        writer = csv.writer(self.out, lineterminator="\n")
        writer.writerow(headers)
        writer.writerows([display_text(cell, limit=None) for cell in row] for row in rows)
        self.out.flush()

    def facts(self, pairs: list[tuple[str, str]]) -> None:
        """``Label:        value`` lines; values are server text."""
        for label, value in pairs:
            self.line(f"{label + ':' if label else '':<15}{display_text(value)}")

    def log_text(self, text: str) -> str:
        """A log message as printed: whole (never cut), escaped unless ``--raw``."""
        return text if self.raw else display_text(text, limit=None)


def job_row(job: Job, p: Printer, wide: bool = False) -> list[str]:
    """A job as `table` shows it (what fits 100 columns), or `wide` (every column)."""
    node = job.node.hostname if job.node and job.node.hostname else "-"
    if not wide:
        return [str(job.id), job.status or "-", job.job_type_label or "-", job.error_text or "-",
                p.time(job.last_modified), format_duration(job.duration), str(job.num_exes or 0)]
    return [str(job.id), job.status or "-", job.job_type_label or "-", job.error_text or "-",
            node, p.time(job.created), p.time(job.started), p.time(job.ended),
            p.time(job.last_modified), format_duration(job.duration), str(job.num_exes or 0)]


TIME_COLUMNS = frozenset({"CREATED", "QUEUED", "STARTED", "ENDED", "LAST MODIFIED", "FIRST",
                          "LAST"})
"""Headers of table columns that hold `Printer.time` values."""
JOB_COLUMNS = ["ID", "STATUS", "JOB TYPE", "ERROR", "LAST MODIFIED", "DURATION", "EXES"]
WIDE_COLUMNS = ["ID", "STATUS", "JOB TYPE", "ERROR", "NODE", "CREATED", "STARTED", "ENDED",
                "LAST MODIFIED", "DURATION", "EXES"]


def job_csv_row(job: Job) -> list[str]:
    """The wide columns as data: ISO-8601 UTC times, the duration in whole seconds."""

    def iso(value: datetime | None) -> str:
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z") if value else ""

    duration = job.duration
    return [str(job.id), job.status or "", job.job_type_label or "", job.error_text or "",
            job.node.hostname if job.node and job.node.hostname else "", iso(job.created),
            iso(job.started), iso(job.ended), iso(job.last_modified),
            str(int(duration.total_seconds())) if duration is not None else "",
            str(job.num_exes or 0)]


def print_line(line: LogLine, args: argparse.Namespace, p: Printer) -> None:
    if p.json:
        p.line(json_text({
            "timestamp": line.timestamp.isoformat(),
            "order": line.order,
            "stream": line.stream,
            "message": line.message,
        }))  # fmt: skip
        return
    prefix = f"{p.time(line.timestamp)} " if args.timestamps else ""
    p.line(prefix + p.log_text(line.message))


def dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)
