"""The details summaries fit the terminal: two pairs to a line where there is room, else one."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from rich.console import Console

from scale_tui.api import JobDetails
from scale_tui.widgets.details_view import job_summary


def rendered(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, file=io.StringIO())
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_job_summary_is_one_pair_a_line_at_80_columns_and_two_at_120(scale_ui_fixture):
    job = JobDetails.model_validate(scale_ui_fixture("job-details/job-details1.json"))
    job.node.hostname = "scale-agent-03.cluster.example.local"
    now = datetime(2026, 1, 1, tzinfo=UTC)
    narrow = rendered(job_summary(job, now), 80)
    node = next(line for line in narrow if line.startswith("Node"))
    assert node.split() == ["Node", "scale-agent-03.cluster.example.local"]
    assert not any("Queued" in line for line in narrow if line.startswith("Created"))
    wide = rendered(job_summary(job, now), 120)
    assert any(line.startswith("Created") and "Queued" in line for line in wide)
    assert any("scale-agent-03.cluster.example.local" in line for line in wide)
    assert len(wide) < len(narrow)
