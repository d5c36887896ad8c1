"""What the script subcommands print: tables or JSON on stdout, notes on stderr, times in the
profile's zone, and log text made safe for a terminal (escaped only when stdout is one)."""

from __future__ import annotations

import argparse
import json
import re
from datetime import datetime, timedelta
from typing import Any, TextIO
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from scale_tui.api import Job, LogLine

# C0 controls and ESC would let log text drive the user's terminal; tabs are harmless.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\x9b]")


class Printer:
    def __init__(self, out: TextIO, err: TextIO, args: argparse.Namespace, profile: Any) -> None:
        self.out, self.err = out, err
        self.json = getattr(args, "output", "table") == "json"
        self.zone = zone(getattr(profile, "timezone", "UTC"))
        # Escape control characters only for a terminal; a pipe or file gets the log as it is.
        self.safe = getattr(out, "isatty", lambda: True)()

    def line(self, text: str = "") -> None:
        print(text, file=self.out, flush=True)

    def note(self, text: str) -> None:
        print(text, file=self.err, flush=True)

    def data(self, value: Any) -> None:
        self.line(json.dumps(value, indent=2, ensure_ascii=False, default=str))

    def time(self, value: datetime | None) -> str:
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M:%S") if value else "-"

    def table(self, headers: list[str], rows: list[list[str]]) -> None:
        widths = [max([len(h)] + [len(r[i]) for r in rows]) for i, h in enumerate(headers)]
        for row in [headers, *rows]:
            cells = (self.log_text(c).ljust(w) for c, w in zip(row, widths, strict=True))
            self.line("  ".join(cells).rstrip())

    def log_text(self, text: str) -> str:
        return _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text) if self.safe else text


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def span(value: timedelta | None) -> str:
    if value is None:
        return "-"
    seconds = int(value.total_seconds())
    hours, rest = divmod(seconds, 3600)
    return f"{hours}h{rest // 60:02d}m" if hours else f"{rest // 60}m{rest % 60:02d}s"


def job_row(job: Job, p: Printer) -> list[str]:
    return [
        str(job.id),
        job.status or "-",
        job.job_type_label or "-",
        job.error_text or "-",
        job.node.hostname if job.node and job.node.hostname else "-",
        p.time(job.created),
        p.time(job.last_modified),
        span(job.duration),
        str(job.num_exes or 0),
    ]


JOB_COLUMNS = [
    "ID",
    "STATUS",
    "JOB TYPE",
    "ERROR",
    "NODE",
    "CREATED",
    "LAST MODIFIED",
    "DURATION",
    "EXES",
]


def print_line(line: LogLine, args: argparse.Namespace, p: Printer) -> None:
    if p.json:
        p.line(
            json.dumps(
                {
                    "timestamp": line.timestamp.isoformat(),
                    "order": line.order,
                    "stream": line.stream,
                    "message": line.message,
                },
                ensure_ascii=False,
            )
        )
        return
    prefix = f"{p.time(line.timestamp)} " if args.timestamps else ""
    p.line(prefix + p.log_text(line.message))


def dump(model: Any) -> dict[str, Any]:
    return model.model_dump(mode="json", by_alias=True)
