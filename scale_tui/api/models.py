"""Pydantic models of Scale v6 payloads: jobs, executions and what they link to.

Field names are Scale's own (``job_type``, ``num_exes``, ``exe_num``, ``last_modified``).
Every field is optional and unknown fields are kept, see ``lenient``. Job types live in
``job_types``; log lines in ``logs``.

No ``from __future__ import annotations`` here (nor in ``job_types``): pydantic would evaluate
every field's annotation from text, a third of these classes' construction time at every start
(issue 15, docs/startup.md). A model is defined before the models that name it.
"""

from datetime import datetime, timedelta
from typing import Any, Generic, TypeVar

from pydantic import ConfigDict, Field

from scale_tui.api.job_types import JobTypeBase, JobTypeRevision
from scale_tui.api.lenient import Lenient, LenientValidation, ScaleModel, Timestamp

T = TypeVar("T")

PENDING, BLOCKED, QUEUED, RUNNING = "PENDING", "BLOCKED", "QUEUED", "RUNNING"
FAILED, COMPLETED, CANCELED = "FAILED", "COMPLETED", "CANCELED"
JOB_STATUSES = (PENDING, BLOCKED, QUEUED, RUNNING, FAILED, COMPLETED, CANCELED)
FINAL_STATUSES = (FAILED, COMPLETED, CANCELED)
EXECUTION_STATUSES = (RUNNING, FAILED, COMPLETED, CANCELED)
ERROR_CATEGORIES = ("SYSTEM", "ALGORITHM", "DATA")


class Page(LenientValidation, Generic[T]):
    """One page of a Scale list: ``count`` is the total number of matches, not ``len(results)``.

    ``count`` and ``results`` are required: a "page" without them (a proxy's JSON, another API)
    must not read as "no jobs" and wipe the list on screen; each item must be a valid ``T``."""

    count: int
    next: Lenient[str] = None
    previous: Lenient[str] = None
    results: list[T]


class Ref(ScaleModel):
    """A link to another object by id only (``{"id": 3}``)."""

    id: Lenient[int] = None


class Node(ScaleModel):
    id: Lenient[int] = None
    hostname: Lenient[str] = None


class Event(ScaleModel):
    """What triggered a job or recipe (``type`` is e.g. ``PARSE``, ``INGEST``, ``USER``)."""

    id: Lenient[int] = None
    type: Lenient[str] = None
    occurred: Timestamp = None


class JobError(ScaleModel):
    """An error as embedded in a job or execution; ``category`` is SYSTEM, ALGORITHM or DATA."""

    id: Lenient[int] = None
    name: Lenient[str] = None
    title: Lenient[str] = None
    description: Lenient[str] = None
    job_type_name: Lenient[str] = None
    category: Lenient[str] = None
    is_builtin: Lenient[bool] = None
    should_be_retried: Lenient[bool] = None
    created: Timestamp = None
    last_modified: Timestamp = None

    @property
    def text(self) -> str:
        """``ALGORITHM: Timeout``: how the console shows an error in one cell."""
        title = self.title or self.name or ""
        return f"{self.category}: {title}" if self.category else title


class RecipeType(ScaleModel):
    id: Lenient[int] = None
    name: Lenient[str] = None
    title: Lenient[str] = None
    description: Lenient[str] = None
    revision_num: Lenient[int] = None


class Recipe(ScaleModel):
    """A recipe, either as linked from a job or as a full recipe list item."""

    id: Lenient[int] = None
    recipe_type: Lenient[RecipeType] = None
    recipe_type_rev: Lenient[Ref] = None
    event: Lenient[Event] = None
    is_superseded: Lenient[bool] = None
    is_completed: Lenient[bool] = None
    created: Timestamp = None
    completed: Timestamp = None
    superseded: Timestamp = None
    last_modified: Timestamp = None


class Batch(ScaleModel):
    """A batch, as linked from a job or a full batch record (counts and metrics kept as extra)."""

    id: Lenient[int] = None
    title: Lenient[str] = None
    description: Lenient[str] = None
    is_superseded: Lenient[bool] = None
    created: Timestamp = None
    superseded: Timestamp = None
    last_modified: Timestamp = None


class Data(ScaleModel):
    """Job input or output: ``files`` maps an input name to file ids, ``json`` to values.

    Older (v5) servers send ``{"version": "1.0", "input_data": [...]}``; that stays in the extra
    fields and ``files``/``json`` are then empty.
    """

    files: Lenient[dict[str, list[Any]]] = Field(default_factory=dict)
    json_: Lenient[dict[str, Any]] = Field(default_factory=dict, alias="json")


class Workspace(ScaleModel):
    id: Lenient[int] = None
    name: Lenient[str] = None


class ScaleFile(ScaleModel):
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


def _span(started: datetime | None, ended: datetime | None) -> timedelta | None:
    return ended - started if started is not None and ended is not None else None


class Execution(ScaleModel):
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
        return _span(self.started, self.ended)

    @property
    def error_text(self) -> str:
        return self.error.text if self.error else ""


class ExecutionDetails(Execution):
    """``GET /v6/jobs/{id}/executions/{exe_num}/``: adds task results, resources and output."""

    task_results: Lenient[dict[str, Any]] = None
    resources: Lenient[dict[str, Any]] = None
    configuration: Lenient[dict[str, Any]] = None
    output: Lenient[dict[str, Any]] = None


class JobLink(ScaleModel):
    """A superseded or superseding job: ``{id, job_type, status}``."""

    id: Lenient[int] = None
    job_type: Lenient[JobTypeBase] = None
    status: Lenient[str] = None


class Job(ScaleModel):
    """A job as listed by ``GET /v6/jobs/``."""

    id: int
    job_type: Lenient[JobTypeBase] = None
    status: str  # required, as ``id``: a job without a status is not a Scale job
    job_type_rev: Lenient[JobTypeRevision] = None
    event: Lenient[Event] = None
    ingest_event: Lenient[Event] = None
    recipe: Lenient[Recipe] = None
    batch: Lenient[Batch] = None
    is_superseded: Lenient[bool] = None
    superseded_job: Lenient[JobLink] = None
    node: Lenient[Node] = None
    error: Lenient[JobError] = None
    max_tries: Lenient[int] = None
    num_exes: Lenient[int] = None
    input_file_size: Lenient[float] = None
    input_files: Lenient[dict[str, list[Any]]] = None
    created: Timestamp = None
    queued: Timestamp = None
    started: Timestamp = None
    ended: Timestamp = None
    last_status_change: Timestamp = None
    superseded: Timestamp = None
    last_modified: Timestamp = None
    source_started: Timestamp = None
    source_ended: Timestamp = None
    source_sensor_class: Lenient[str] = None
    source_sensor: Lenient[str] = None
    source_collection: Lenient[str] = None
    source_task: Lenient[str] = None

    @property
    def duration(self) -> timedelta | None:
        """``ended - started``; ``None`` while either is missing (use ``elapsed`` for running)."""
        return _span(self.started, self.ended)

    def elapsed(self, now: datetime) -> timedelta | None:
        """How long the job has run by ``now`` (or in total, once it has ended)."""
        return _span(self.started, self.ended or (now if self.started else None))

    @property
    def error_text(self) -> str:
        """``"CATEGORY: title"`` or ``""``."""
        return self.error.text if self.error else ""

    @property
    def job_type_label(self) -> str:
        """``"name version"``, or ``""`` when the job type is unknown."""
        return self.job_type.label if self.job_type else ""


class _Brief(ScaleModel):
    """Only the fields named; the rest of the payload is dropped while parsing."""

    model_config = ConfigDict(extra="ignore", populate_by_name=True, protected_namespaces=())


class JobTypeBrief(_Brief):
    id: Lenient[int] = None
    name: Lenient[str] = None
    version: Lenient[str] = None

    @property
    def label(self) -> str:
        return " ".join(part for part in (self.name, self.version) if part)


class ErrorBrief(_Brief):
    id: Lenient[int] = None
    name: Lenient[str] = None
    title: Lenient[str] = None
    category: Lenient[str] = None


class NodeBrief(_Brief):
    id: Lenient[int] = None
    hostname: Lenient[str] = None


class JobBrief(_Brief):
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


class JobDetails(Job):
    """``GET /v6/jobs/{id}/``: adds the revision with its manifest, execution, data and config."""

    superseded_by_job: Lenient[JobLink] = None
    resources: Lenient[dict[str, Any]] = None
    execution: Lenient[ExecutionDetails] = None
    input: Lenient[Data] = None
    output: Lenient[Data] = None
    configuration: Lenient[dict[str, Any]] = None



class Scheduler(ScaleModel):
    """``GET /v6/scheduler/`` (Scale's ``SchedulerSerializerV6``, as server_stub/store/scheduler.py
    serves it): while
    ``is_paused`` Scale schedules no new job, so QUEUED jobs wait; running ones go on."""

    is_paused: Lenient[bool] = None
    num_message_handlers: Lenient[int] = None
    system_logging_level: Lenient[str] = None
    queue_mode: Lenient[str] = None
