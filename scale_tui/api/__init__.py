"""The Scale v6 REST API: models, filters, errors and an async client. No UI imports here.

The models of a job list are imported with the package; the other pages' models (one job's
details, executions, files, the scheduler, job type pages, triage's brief jobs) when one of them
is first asked for (``_LAZY``): listing jobs builds only the classes it uses (issue 15).
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from scale_tui.api import no_httpx_cli  # noqa: F401  (first: before anything imports httpx)
from scale_tui.api.client import ScaleClient, UnexpectedResponse
from scale_tui.api.errors import (
    BadRequest,
    Forbidden,
    InvalidFilter,
    NotFound,
    ScaleAPIError,
    ScaleConnectionError,
    ScaleError,
    ScaleTimeout,
    ScaleTLSError,
    ServerError,
)
from scale_tui.api.filters import JobFilter
from scale_tui.api.http import Redirected
from scale_tui.api.job_types import JobTypeBase, JobTypeRevision, ManifestInput
from scale_tui.api.logs import LOG_PAGE_CAP, LOG_STREAMS, LogFollower, LogLine
from scale_tui.api.models import (
    BLOCKED,
    CANCELED,
    COMPLETED,
    ERROR_CATEGORIES,
    EXECUTION_STATUSES,
    FAILED,
    FINAL_STATUSES,
    JOB_STATUSES,
    PENDING,
    QUEUED,
    RUNNING,
    Batch,
    Event,
    Job,
    JobError,
    JobLink,
    Node,
    Page,
    Recipe,
    RecipeType,
)
from scale_tui.api.timefmt import format_duration, format_timestamp, parse_time

if TYPE_CHECKING:
    from scale_tui.api.detail_models import (
        Data,
        Execution,
        ExecutionDetails,
        JobBrief,
        JobDetails,
        ScaleFile,
        Scheduler,
    )
    from scale_tui.api.job_type_models import (
        JobType,
        JobTypeDetails,
        JobTypeName,
        JobTypeQueued,
        JobTypeRunning,
    )

_LAZY = {
    **dict.fromkeys(("Data", "Execution", "ExecutionDetails", "JobBrief", "JobDetails",
                     "ScaleFile", "Scheduler"), "detail_models"),
    **dict.fromkeys(("JobType", "JobTypeDetails", "JobTypeName", "JobTypeQueued",
                     "JobTypeRunning"), "job_type_models"),
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value

__all__ = [
    "BLOCKED",
    "CANCELED",
    "COMPLETED",
    "ERROR_CATEGORIES",
    "EXECUTION_STATUSES",
    "FAILED",
    "FINAL_STATUSES",
    "JOB_STATUSES",
    "LOG_PAGE_CAP",
    "LOG_STREAMS",
    "PENDING",
    "QUEUED",
    "RUNNING",
    "BadRequest",
    "Batch",
    "Data",
    "Event",
    "Execution",
    "ExecutionDetails",
    "Forbidden",
    "InvalidFilter",
    "Job",
    "JobBrief",
    "JobDetails",
    "JobError",
    "JobFilter",
    "JobLink",
    "JobType",
    "JobTypeBase",
    "JobTypeDetails",
    "JobTypeName",
    "JobTypeQueued",
    "JobTypeRevision",
    "JobTypeRunning",
    "LogFollower",
    "LogLine",
    "ManifestInput",
    "Node",
    "NotFound",
    "Page",
    "Recipe",
    "RecipeType",
    "Redirected",
    "ScaleAPIError",
    "ScaleClient",
    "ScaleConnectionError",
    "ScaleError",
    "ScaleFile",
    "ScaleTLSError",
    "ScaleTimeout",
    "Scheduler",
    "ServerError",
    "UnexpectedResponse",
    "format_duration",
    "format_timestamp",
    "parse_time",
]
