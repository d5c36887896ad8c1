"""The execution's task timeline: one line per task (pull, pre, main, post) with its status,
its run time and a bar on the execution's time axis, so a slow image pull or a pre-task that
timed out is seen at a glance. The bars are sized to the widget's width on every draw."""

from __future__ import annotations

from datetime import datetime

from rich.text import Text
from textual.widget import Widget

from scale_tui.core import clock
from scale_tui.core.formatting import format_duration
from scale_tui.core.sanitize import display_text
from scale_tui.core.task_timeline import TaskSpan, bars

_STATUS_STYLES = {"FINISHED": "green", "FAILED": "bold red", "KILLED": "bold red",
                  "RUNNING": "yellow", "NOT LAUNCHED": "dim"}
_BAR_STYLES = {"FINISHED": "green", "FAILED": "red", "KILLED": "red", "RUNNING": "yellow"}
NAME, STATUS, TIME = 6, 13, 9


class TaskTimeline(Widget):
    """Task bars on one axis; `show(spans)` replaces them."""

    DEFAULT_CSS = "TaskTimeline { height: auto; }"

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self.spans: list[TaskSpan] = []

    def show(self, spans: list[TaskSpan]) -> None:
        self.spans = list(spans)
        self.refresh(layout=True)

    def get_content_height(self, container, viewport, width: int) -> int:
        return max(1, len(self.spans))

    def render(self) -> Text:
        if not self.spans:
            return Text("No task results yet.", style="dim")
        return timeline_text(self.spans, self.size.width, clock.now())


def timeline_text(spans: list[TaskSpan], width: int, now: datetime) -> Text:
    track = max(8, width - NAME - STATUS - TIME - 5)
    text = Text(no_wrap=True, overflow="crop")
    for index, bar in enumerate(bars(spans, track, now)):
        span = bar.span
        status = span.status + (" ⏱" if span.timed_out else "")
        duration = span.duration(now)
        text.append(display_text(span.name, limit=NAME).ljust(NAME), style="bold")
        text.append(" ")
        text.append(display_text(status, limit=STATUS).ljust(STATUS),
                    style=_STATUS_STYLES.get(span.status, ""))
        text.append(" ")
        text.append((format_duration(duration) if duration is not None else "-").rjust(TIME))
        text.append(" ▕")
        text.append(" " * bar.offset)
        text.append("█" * bar.length, style=_BAR_STYLES.get(span.status, "blue"))
        text.append(" " * (track - bar.offset - bar.length))
        text.append("▏")
        if index < len(spans) - 1:
            text.append("\n")
    return text
