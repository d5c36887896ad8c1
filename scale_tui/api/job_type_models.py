"""Models of the job type pages: ``JobType`` is a ``GET /v6/job-types/`` item, ``JobTypeDetails``
adds the manifest and configuration of ``GET /v6/job-types/{name}/{version}/``; names, queue and
running counts. Apart from ``job_types`` (what a job embeds) so that listing jobs does not build
them (issue 15).
"""

from typing import Any

from scale_tui.api.job_types import JobTypeBase, ManifestInput, manifest_inputs
from scale_tui.api.lenient import Lenient, ScaleModel, Timestamp


class JobType(JobTypeBase, kw_only=True):
    """A job type as listed by ``GET /v6/job-types/``."""

    revision_num: Lenient[int] = None
    docker_image: Lenient[str] = None
    max_scheduled: Lenient[int] = None
    created: Timestamp = None
    deprecated: Timestamp = None
    paused: Timestamp = None
    last_modified: Timestamp = None


class JobTypeDetails(JobType, kw_only=True):
    """``GET /v6/job-types/{name}/{version}/``: adds the Seed manifest and configuration.

    ``id``, ``name`` and ``version`` are required: the queue form sends the id, and a job type
    without them is not one the console can queue (the answer is an UnexpectedResponse)."""

    id: int
    name: str
    version: str
    manifest: Lenient[dict[str, Any]] = None
    configuration: Lenient[dict[str, Any]] = None

    @property
    def inputs(self) -> list[ManifestInput]:
        return manifest_inputs(self.manifest)


class JobTypeName(ScaleModel, kw_only=True):
    """A ``GET /v6/job-types/names/`` item: one name with all its versions."""

    name: Lenient[str] = None
    title: Lenient[str] = None
    description: Lenient[str] = None
    versions: Lenient[list[str]] = None
    latest_version: Lenient[str] = None


class JobTypeQueued(ScaleModel, kw_only=True):
    """A ``GET /v6/queue/status/`` item: how many jobs of one type wait in the queue."""

    job_type: Lenient[JobTypeBase] = None
    count: Lenient[int] = None
    longest_queued: Timestamp = None
    highest_priority: Lenient[int] = None


class JobTypeRunning(ScaleModel, kw_only=True):
    """A ``GET /v6/job-types/running/`` item: how many jobs of one type are running."""

    job_type: Lenient[JobTypeBase] = None
    count: Lenient[int] = None
    longest_running: Timestamp = None
