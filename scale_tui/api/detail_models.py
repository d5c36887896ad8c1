"""Models of the pages beyond the job list: one job's details and its executions, its input
files, the scheduler, and the brief jobs triage reads. Kept apart from ``models`` (what a job list
reads) so that listing jobs builds only the classes it uses (issue 15, docs/startup.md); the
``scale_tui.api`` package imports this module when one of its names is first asked for.

The models are ``msgspec.Struct``s, as in ``models``.
"""

from datetime import timedelta
from typing import Any

import msgspec

from scale_tui.api.job_types import JobTypeBase
from scale_tui.api.lenient import Lenient, LenientModel, ScaleModel, Timestamp
from scale_tui.api.models import Job, JobError, JobLink, Node, Ref, time_span


class Data(ScaleModel, kw_only=True):
    """Job input or output: ``files`` maps an input name to file ids, ``json`` to values.

    Older (v5) servers send ``{"version": "1.0", "input_data": [...]}``; that stays in the extra
    fields and ``files``/``json`` are then empty.
    """

    files: Lenient[dict[str, list[Any]]] = msgspec.field(default_factory=dict)
    json_: Lenient[dict[str, Any]] = msgspec.field(default_factory=dict, name="json")


class Workspace(ScaleModel, kw_only=True):
    id: Lenient[int] = None
    name: Lenient[str] = None


class ScaleFile(ScaleModel, kw_only=True):
    """A file in a workspace (``GET /v6/jobs/{id}/input_files/``)."""

    id: Lenient[int] = None
    file_name: Lenient[str] = None
    workspace: Lenient[Workspace] = None
    media_type: Lenient[str] = None
    file_type: Lenient[str] = None
    file_size: Lenient[int] = None
    file_path: Lenient[str] = None
    is_deleted: Lenient[bool] = None
    url: Lenient[str] = None
    job_output: Lenient[str] = None
    countries: Lenient[list[str]] = None
    created: Timestamp = None
    deleted: Timestamp = None
    data_started: Timestamp = None
    data_ended: Timestamp = None
    source_started: Timestamp = None
    source_ended: Timestamp = None
    last_modified: Timestamp = None


class Execution(ScaleModel, kw_only=True):
    """One run of a job (``GET /v6/jobs/{id}/executions/``). ``id`` is what the log URL takes.

    ``id`` and ``status`` are required: an execution without them cannot be opened or followed
    (linked from a job, a broken one reads as no execution)."""

    id: int
    status: str
    exe_num: Lenient[int] = None
    cluster_id: Lenient[str] = None
    created: Timestamp = None
    queued: Timestamp = None
    started: Timestamp = None
    ended: Timestamp = None
    job: Lenient[Ref] = None
    node: Lenient[Node] = None
    error: Lenient[JobError] = None
    job_type: Lenient[JobTypeBase] = None
    timeout: Lenient[int] = None
    input_file_size: Lenient[float] = None

    @property
    def duration(self) -> timedelta | None:
        return time_span(self.started, self.ended)

    @property
    def error_text(self) -> str:
        return self.error.text if self.error else ""


class ExecutionDetails(Execution, kw_only=True):
    """``GET /v6/jobs/{id}/executions/{exe_num}/``: adds task results, resources and output."""

    task_results: Lenient[dict[str, Any]] = None
    resources: Lenient[dict[str, Any]] = None
    configuration: Lenient[dict[str, Any]] = None
    output: Lenient[dict[str, Any]] = None


class _Brief(LenientModel, kw_only=True, gc=False):
    """Only the fields named; the rest of the payload is dropped while parsing. Never tracked by
    the garbage collector (``gc=False``: they hold no cycles): triage keeps tens of thousands."""


class JobTypeBrief(_Brief, kw_only=True):
    id: Lenient[int] = None
    name: Lenient[str] = None
    version: Lenient[str] = None

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.name, self.version) if part)


class ErrorBrief(_Brief, kw_only=True):
    id: Lenient[int] = None
    name: Lenient[str] = None
    title: Lenient[str] = None
    category: Lenient[str] = None


class NodeBrief(_Brief, kw_only=True):
    id: Lenient[int] = None
    hostname: Lenient[str] = None


class JobBrief(_Brief, kw_only=True):
    """A listed job with only what triage reads (``ScaleClient.list_job_briefs``). Every other
    field is dropped while parsing: a 1000-job page is ~1.9 MB, and keeping every field of
    every job (and of its job type and error) costs several times the time and memory."""

    id: int
    status: Lenient[str] = None
    job_type: Lenient[JobTypeBrief] = None
    is_superseded: Lenient[bool] = None
    node: Lenient[NodeBrief] = None
    error: Lenient[ErrorBrief] = None
    ended: Timestamp = None
    last_modified: Timestamp = None


class JobDetails(Job, kw_only=True):
    """``GET /v6/jobs/{id}/``: adds the revision with its manifest, execution, data and config."""

    superseded_by_job: Lenient[JobLink] = None
    resources: Lenient[dict[str, Any]] = None
    execution: Lenient[ExecutionDetails] = None
    input: Lenient[Data] = None
    output: Lenient[Data] = None
    configuration: Lenient[dict[str, Any]] = None


class Scheduler(ScaleModel, kw_only=True):
    """``GET /v6/scheduler/`` (Scale's ``SchedulerSerializerV6``, as server_stub/store/scheduler.py
    serves it): while
    ``is_paused`` Scale schedules no new job, so QUEUED jobs wait; running ones go on."""

    is_paused: Lenient[bool] = None
    num_message_handlers: Lenient[int] = None
    system_logging_level: Lenient[str] = None
    queue_mode: Lenient[str] = None
