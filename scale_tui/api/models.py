"""Models of Scale v6 payloads: jobs, executions and what they link to.

Field names are Scale's own (``job_type``, ``num_exes``, ``exe_num``, ``last_modified``).
Every field is optional and unknown fields are kept, see ``lenient``. Job types live in
``job_types``; log lines in ``logs``. Here: what a job list reads (``Page[Job]``); the models of
the other pages (one job's details and executions, files, the scheduler, triage's brief jobs)
are in ``detail_models``, built only when first used (issue 15: ``scale-tui jobs`` and the
console's first page construct these classes only).

The models are ``msgspec.Struct``s (api/lenient.py): keyword-only, a model is defined before
the models that name it.
"""

from datetime import datetime, timedelta
from typing import Any

from scale_tui.api.job_types import JobTypeBase, JobTypeRevision
from scale_tui.api.lenient import Lenient, ScaleModel, Timestamp
from scale_tui.api.lenient import Page as Page  # re-exported (read item by item: lenient.py)

PENDING, BLOCKED, QUEUED, RUNNING = "PENDING", "BLOCKED", "QUEUED", "RUNNING"
FAILED, COMPLETED, CANCELED = "FAILED", "COMPLETED", "CANCELED"
JOB_STATUSES = (PENDING, BLOCKED, QUEUED, RUNNING, FAILED, COMPLETED, CANCELED)
FINAL_STATUSES = (FAILED, COMPLETED, CANCELED)
EXECUTION_STATUSES = (RUNNING, FAILED, COMPLETED, CANCELED)
ERROR_CATEGORIES = ("SYSTEM", "ALGORITHM", "DATA")


class Ref(ScaleModel, kw_only=True):
    """A link to another object by id only (``{"id": 3}``)."""

    id: Lenient[int] = None


class Node(ScaleModel, kw_only=True):
    id: Lenient[int] = None
    hostname: Lenient[str] = None


class Event(ScaleModel, kw_only=True):
    """What triggered a job or recipe (``type`` is e.g. ``PARSE``, ``INGEST``, ``USER``)."""

    id: Lenient[int] = None
    type: Lenient[str] = None
    occurred: Timestamp = None


class JobError(ScaleModel, kw_only=True):
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


class RecipeType(ScaleModel, kw_only=True):
    id: Lenient[int] = None
    name: Lenient[str] = None
    title: Lenient[str] = None
    description: Lenient[str] = None
    revision_num: Lenient[int] = None


class Recipe(ScaleModel, kw_only=True):
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


class Batch(ScaleModel, kw_only=True):
    """A batch, as linked from a job or a full batch record (counts and metrics kept as extra)."""

    id: Lenient[int] = None
    title: Lenient[str] = None
    description: Lenient[str] = None
    is_superseded: Lenient[bool] = None
    created: Timestamp = None
    superseded: Timestamp = None
    last_modified: Timestamp = None


def time_span(started: datetime | None, ended: datetime | None) -> timedelta | None:
    """``ended - started``, or ``None`` while either is missing."""
    return ended - started if started is not None and ended is not None else None


class JobLink(ScaleModel, kw_only=True):
    """A superseded or superseding job: ``{id, job_type, status}``."""

    id: Lenient[int] = None
    job_type: Lenient[JobTypeBase] = None
    status: Lenient[str] = None


class Job(ScaleModel, kw_only=True):
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
        return time_span(self.started, self.ended)

    def elapsed(self, now: datetime) -> timedelta | None:
        """How long the job has run by ``now`` (or in total, once it has ended)."""
        return time_span(self.started, self.ended or (now if self.started else None))

    @property
    def error_text(self) -> str:
        """``"CATEGORY: title"`` or ``""``."""
        return self.error.text if self.error else ""

    @property
    def job_type_label(self) -> str:
        """``"name version"``, or ``""`` when the job type is unknown."""
        return self.job_type.label if self.job_type else ""
