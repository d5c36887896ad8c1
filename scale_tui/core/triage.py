"""Triage: the failed jobs of a time window, grouped, counted and bucketed over time.

Plain logic shared by the triage screen and `scale-tui triage`: which window, which query,
how pages are read (newest first, up to a cap), how jobs fall into groups and buckets, and which
filter selects exactly one group again (for the jobs list and for requeue). Never imports
textual or rich.

The window is absolute (`start`..`end`, fixed when the load starts), so the counts on screen,
the jobs list a group opens and the requeue body all name the same jobs.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from scale_tui.api import InvalidFilter, JobBrief, JobFilter, NotFound, ScaleClient
from scale_tui.api.timefmt import format_timestamp
from scale_tui.core.filter_form import parse_window

PAGE_SIZE = 1000
DEFAULT_CAP = 50_000
DEFAULT_WINDOW = "24h"
WINDOW_PRESETS = ("1h", "6h", "24h", "7d")
BUCKETS = 24

# The dimensions a failure can be grouped on, in the words of `--by`.
ERROR, JOB_TYPE, NODE, CATEGORY = "error", "job-type", "node", "category"
DIMENSIONS = (ERROR, JOB_TYPE, NODE, CATEGORY)
# What `g` cycles through on the screen; the first is the default everywhere.
GROUPINGS: tuple[tuple[str, ...], ...] = ((ERROR, JOB_TYPE), (ERROR,), (JOB_TYPE,), (NODE,),
                                          (CATEGORY,))
SORTS = ("count", "last", "first", "name")
SORT_WORDS = {"count": "most failures", "last": "latest failure", "first": "earliest failure",
              "name": "name"}


@dataclass(frozen=True)
class Window:
    """The failures counted: last_modified from `start` to `end` (both inclusive, as Scale's
    `started`/`ended` filters are)."""

    start: datetime
    end: datetime
    text: str = ""  # what the operator typed or picked ("24h", "2026-01-05T00:00Z/...")

    @property
    def length(self) -> timedelta:
        return self.end - self.start

    def previous(self) -> Window:
        """The window of the same length just before this one (for the ↑/↓ comparison)."""
        return Window(self.start - self.length, self.start, "previous")

    def window_text(self) -> str:
        """This window as the jobs filter panel takes it: an absolute `START/END`."""
        return f"{_iso(self.start)}/{_iso(self.end)}"


def parse_triage_window(since: str | None, until: str | None = None, *,
                        now: datetime) -> Window:
    """The window for `since` (a preset, `90m`, an ISO duration or time, or `START/END`, as the
    jobs filter panel reads them; default 24h) and `until` (default now). Raises InvalidFilter
    for anything that does not name a bounded window: triage never silently widens to "all"."""
    text = (since or DEFAULT_WINDOW).strip()
    if text.lower() == "all":
        raise InvalidFilter("since: triage needs a bounded window (1h, 6h, 24h, 7d, 90m, ...)")
    started, ended = parse_window(text)
    if until:
        if ended is not None:
            raise InvalidFilter("until: the window START/END already has an end")
        ended = JobFilter.parse_time(until.strip(), field="until")
    start, end = _moment(started, now), _moment(ended, now) if ended is not None else now
    if start is None:
        raise InvalidFilter("since: triage needs a bounded window")
    if end <= start:
        raise InvalidFilter("until: the window must end after it starts")
    label = text if not until else f"{text} until {until.strip()}"
    return Window(start, end, label)


def failed_filter(window: Window) -> JobFilter:
    """Every failure of the window as Scale lists it: FAILED, not superseded, newest first."""
    return JobFilter(status=["FAILED"], is_superseded=False, started=window.start,
                     ended=window.end, order=["-last_modified", "-id"])


FailedJob = tuple
"""One failure as a load keeps it: ``(id, ended, last_modified, job_type, error, node)``, with
``job_type`` ``(id, name, version)``, ``error`` ``(id, name, title, category)`` and ``node``
``(id, hostname)`` tuples (shared by every job that has the same one) or None.

Plain tuples of plain values, never models or named tuples: the garbage collector stops
tracking such a tuple at its first collection, so a load's failures cost a full collection
nothing and never bring one on. 10,000 `JobBrief`s kept alive as pydantic models (nine
tracked objects each; untracked msgspec Structs since issue 15) made every full collection of
the console, in whichever thread it fell, hold the GIL and so the console's loop 100-450 ms
(bench/triage.py). Every function here also takes a `JobBrief`
or a `Job` (scripts, tests and the fleet screen pass those)."""

_ID, _ENDED, _MODIFIED, _JOB_TYPE, _ERROR, _NODE = range(6)


class Compactor:
    """`JobBrief` (or `Job`) -> `FailedJob`, one job type, error and node tuple for all the
    jobs that share it (`ScaleClient.list_job_briefs(keep=)` calls it in its parse thread)."""

    def __init__(self) -> None:
        self._shared: dict[tuple, tuple] = {}

    def _one(self, facts: tuple) -> tuple:
        return self._shared.setdefault(facts, facts)

    def __call__(self, job: Any) -> FailedJob:
        if type(job) is tuple:
            return job
        job_type, error, node = job.job_type, job.error, job.node
        return (job.id, job.ended, job.last_modified,
                None if job_type is None else self._one(
                    (job_type.id, job_type.name, job_type.version)),
                None if error is None else self._one(
                    (error.id, error.name, error.title, error.category)),
                None if node is None else self._one((node.id, node.hostname)))


@dataclass
class Failures:
    """What one load read: the jobs (newest first), how many Scale counted, and where a cap cut
    the window (the oldest last_modified read, or None when every failure was read)."""

    window: Window
    jobs: list[FailedJob]  # see FailedJob
    total: int
    cut_at: datetime | None = None
    previous_total: int | None = None

    @property
    def complete(self) -> bool:
        return self.cut_at is None


Progress = Callable[[int, int], Any]
"""Called after each page with (pages done, pages in all)."""


async def load_failures(client: ScaleClient, window: Window, *, cap: int = DEFAULT_CAP,
                        page_size: int = PAGE_SIZE, progress: Progress | None = None,
                        compare: bool = True,
                        between_pages: Callable[[], Awaitable[Any]] | None = None) -> Failures:
    """Read the failures of `window`, newest first, page after page, at most `cap` jobs.

    A job seen on an earlier page is not counted twice (a job modified while we page moves up
    the list). `between_pages` is awaited after each page (the console yields to its loop)."""
    if cap < 1:
        raise InvalidFilter(f"cap: must be at least 1, not {cap}")
    query = failed_filter(window)
    compact = Compactor()
    jobs: list[FailedJob] = []
    seen: set[int] = set()
    page, pages, total = 1, 1, 0
    while True:
        try:
            result = await client.list_job_briefs(query, page=page, page_size=page_size,
                                                  keep=compact)
        except NotFound:
            if page == 1:
                raise
            break  # the list got shorter while we read it
        total = result.count if page == 1 else total
        pages = max(1, min(-(-total // page_size), -(-cap // page_size)))
        for job in result.results:
            if job[_ID] not in seen:
                seen.add(job[_ID])
                jobs.append(job)
        if progress is not None:
            progress(min(page, pages), pages)
        if between_pages is not None:
            await between_pages()
        if len(jobs) >= cap or not result.next or not result.results:
            break
        page += 1
    cut_at = None
    if len(jobs) > cap or (len(jobs) == cap and total > cap):
        jobs = jobs[:cap]
        cut_at = failure_time(jobs[-1], window)
    failures = Failures(window, jobs, total, cut_at)
    if compare:
        previous = await client.list_jobs(failed_filter(window.previous()), page_size=1)
        failures.previous_total = previous.count
    return failures


# ---- grouping


@dataclass(frozen=True)
class JobTypeKey:
    id: int | None
    name: str
    version: str


@dataclass(frozen=True)
class ErrorKey:
    id: int | None
    name: str
    title: str
    category: str


@dataclass(frozen=True)
class NodeKey:
    id: int | None
    hostname: str


@dataclass
class Group:
    """The failures that share the grouping's keys. Keys not in the grouping are None."""

    key: tuple
    job_type: JobTypeKey | None = None
    error: ErrorKey | None = None
    node: NodeKey | None = None
    category: str | None = None
    count: int = 0
    first: datetime | None = None
    last: datetime | None = None
    example_job_id: int | None = None  # the newest failure of the group
    buckets: list[int] = field(default_factory=list)
    job_ids: list[int] = field(default_factory=list)
    dimensions: tuple[str, ...] = ()

    def share(self, total: int) -> float:
        return self.count / total if total else 0.0

    def label(self) -> str:
        """The group in words, one dimension after the other."""
        return " · ".join(self.dimension_text(d) for d in self.dimensions)

    def dimension_text(self, dimension: str) -> str:
        if dimension == ERROR:
            if self.error is None:
                return "(no error recorded)"
            title = self.error.title or self.error.name or f"error {self.error.id}"
            return f"{self.error.category or '?'}: {title}"
        if dimension == JOB_TYPE:
            if self.job_type is None:
                return "(unknown job type)"
            return f"{self.job_type.name} {self.job_type.version}".strip()
        if dimension == NODE:
            return self.node.hostname if self.node else "(no node)"
        return self.category or "(no category)"

    def to_json(self, total: int) -> dict[str, Any]:
        """`scale-tui triage --output json`: the group's keys as applicable, and its numbers."""
        data: dict[str, Any] = {}
        if JOB_TYPE in self.dimensions:
            data["job_type"] = (None if self.job_type is None else
                                {"id": self.job_type.id, "name": self.job_type.name,
                                 "version": self.job_type.version})
        if ERROR in self.dimensions:
            data["error"] = (None if self.error is None else
                             {"id": self.error.id, "name": self.error.name,
                              "title": self.error.title, "category": self.error.category})
        if NODE in self.dimensions:
            data["node"] = (None if self.node is None else
                            {"id": self.node.id, "hostname": self.node.hostname})
        if CATEGORY in self.dimensions:
            data["category"] = self.category
        data.update(count=self.count, share=round(self.share(total), 4),
                    first=_iso(self.first), last=_iso(self.last),
                    example_job_id=self.example_job_id, buckets=list(self.buckets))
        return data


def failure_time(job: FailedJob | JobBrief, window: Window) -> datetime:
    """When the job failed: its `ended` when that lies in the window, else its last_modified
    (what the window filters on; a failed job's last change is usually its failure)."""
    if type(job) is tuple:
        ended, modified = job[_ENDED], job[_MODIFIED]
    else:
        ended, modified = job.ended, job.last_modified
    if ended is not None and window.start <= ended <= window.end:
        return ended
    return modified or ended or window.end


def bucket_index(moment: datetime, window: Window, buckets: int = BUCKETS) -> int:
    """Which of `buckets` equal slices of the window `moment` falls in. A moment on an edge
    belongs to the later slice; the window's own end belongs to the last; moments outside are
    held at the nearest end."""
    length = window.length.total_seconds()
    offset = (moment - window.start).total_seconds()
    if length <= 0 or offset <= 0:
        return 0
    return min(buckets - 1, int(offset * buckets // length))


def bucket_starts(window: Window, buckets: int = BUCKETS) -> list[datetime]:
    step = window.length / buckets
    return [window.start + step * i for i in range(buckets)]


def parse_grouping(text: str | None) -> tuple[str, ...]:
    """`error`, `job-type,error`, ... -> dimensions in the canonical order. Raises InvalidFilter
    on an unknown name. Empty means the default (error and job type)."""
    if not text or not text.strip():
        return GROUPINGS[0]
    names = [t.strip().lower().replace("_", "-") for t in text.split(",") if t.strip()]
    for name in names:
        if name not in DIMENSIONS:
            raise InvalidFilter(f"by: unknown grouping {name!r}; one of {', '.join(DIMENSIONS)}")
    return tuple(d for d in DIMENSIONS if d in names)


def next_grouping(current: Sequence[str]) -> tuple[str, ...]:
    current = tuple(current)
    index = GROUPINGS.index(current) if current in GROUPINGS else -1
    return GROUPINGS[(index + 1) % len(GROUPINGS)]


def grouping_words(grouping: Sequence[str]) -> str:
    return " x ".join(d.replace("-", " ") for d in grouping)


def group_failures(jobs: Iterable[FailedJob | JobBrief], window: Window,
                   grouping: Sequence[str] = GROUPINGS[0], *, buckets: int = BUCKETS,
                   sort: str = "count") -> list[Group]:
    """The jobs grouped on `grouping`, each group with its count, first and last failure, an
    example (its newest failure) and its failures per bucket (the same buckets for every group,
    so rows compare). Sorted by `sort` (see `sort_groups`)."""
    grouping = tuple(grouping)
    key_of = _key_function([_IDENTITY[d] for d in grouping])
    groups: dict[tuple, Group] = {}
    compact = Compactor()
    start, end = window.start, window.end
    length = window.length.total_seconds()
    last_bucket = buckets - 1
    for job in jobs:  # failure_time and bucket_index inlined: 10,000 jobs, in a worker thread
        if type(job) is not tuple:
            job = compact(job)
        key = key_of(job)
        group = groups.get(key)
        if group is None:  # key objects only once per group
            keys = _keys(job)
            group = groups[key] = Group(key=key, buckets=[0] * buckets, dimensions=grouping,
                                        **{_FIELD[d]: keys[d] for d in grouping})
        ended = job[_ENDED]
        moment = (ended if ended is not None and start <= ended <= end
                  else job[_MODIFIED] or ended or end)
        offset = (moment - start).total_seconds()
        group.buckets[0 if length <= 0 or offset <= 0
                      else min(last_bucket, int(offset * buckets // length))] += 1
        group.count += 1
        job_id = job[_ID]
        group.job_ids.append(job_id)
        if group.first is None or moment < group.first:
            group.first = moment
        if group.last is None or moment > group.last or (
                moment == group.last and job_id > (group.example_job_id or 0)):
            group.last, group.example_job_id = moment, job_id
    return sort_groups(list(groups.values()), sort)


def _key_function(identity: list[Callable[[FailedJob], Any]]) -> Callable[[FailedJob], tuple]:
    if len(identity) == 1:
        (one,) = identity
        return lambda job: (one(job),)
    if len(identity) == 2:
        first, second = identity
        return lambda job: (first(job), second(job))
    return lambda job: tuple(part(job) for part in identity)


def chart(groups: Iterable[Group], buckets: int = BUCKETS) -> list[int]:
    """Every failure of the window per bucket, from its groups (each failure is in exactly one
    group, whatever the grouping): `all_buckets` without reading the jobs again."""
    counts = [0] * buckets
    for group in groups:
        counts = [a + b for a, b in zip(counts, group.buckets, strict=True)]
    return counts


def all_buckets(jobs: Iterable[FailedJob | JobBrief], window: Window,
                buckets: int = BUCKETS) -> list[int]:
    """Every failure of the window per bucket: the header's chart."""
    counts = [0] * buckets
    for job in jobs:
        counts[bucket_index(failure_time(job, window), window, buckets)] += 1
    return counts


def sort_groups(groups: list[Group], sort: str = "count") -> list[Group]:
    """count: most first; last: latest failure first; first: earliest failure first; name: by
    the group's words. Ties by count, then by words, so the order never flickers."""
    if sort not in SORTS:
        raise InvalidFilter(f"sort: one of {', '.join(SORTS)}, not {sort!r}")
    by_name = sorted(groups, key=lambda g: g.label().lower())
    if sort == "name":
        return by_name
    if sort == "count":
        return sorted(by_name, key=lambda g: -g.count)
    if sort == "last":
        return sorted(sorted(by_name, key=lambda g: -g.count), key=lambda g: g.last, reverse=True)
    return sorted(sorted(by_name, key=lambda g: -g.count), key=lambda g: g.first)


def next_sort(current: str) -> str:
    return SORTS[(SORTS.index(current) + 1) % len(SORTS)] if current in SORTS else SORTS[0]


def trend(total: int, previous: int | None) -> str:
    """`↑ 12 (+50%)` against the previous window, `↓ 3`, `= 0`, or '' when unknown."""
    if previous is None:
        return ""
    delta = total - previous
    if delta == 0:
        return "= same as the previous window"
    arrow = "↑" if delta > 0 else "↓"
    pct = f" ({delta / previous:+.0%})" if previous else ""
    return f"{arrow} {abs(delta)}{pct} vs {previous} in the previous window"


# ---- one group as a filter again


def group_filter(group: Group, window: Window, *, for_action: bool = False) -> JobFilter | None:
    """The Scale filter that selects exactly this group's failures, or None when Scale cannot
    say it (a node: the job list has no node filter; a group without an error or job type: no
    filter means "none"). For an action (`for_action`), the body names only status, job type,
    error and the window (Scale never requeues a superseded job, so that part is not sent)."""
    values: dict[str, Any] = {"status": ["FAILED"], "started": window.start,
                              "ended": window.end}
    if not for_action:
        values["is_superseded"] = False
    for dimension in group.dimensions:
        if dimension == NODE:
            return None
        if dimension == JOB_TYPE:
            if group.job_type is None or group.job_type.id is None:
                return None
            values["job_type_id"] = [group.job_type.id]
        elif dimension == ERROR:
            if group.error is None or group.error.id is None:
                return None
            values["error_id"] = [group.error.id]
        elif dimension == CATEGORY:
            if not group.category:
                return None
            values["error_category"] = [group.category]
    return JobFilter(**values)


def group_form_changes(group: Group, window: Window) -> dict[str, Any]:
    """The jobs screen's filter form for this group (every field set, so nothing of the filter
    the operator left there narrows it further). Node groups keep the status and the window:
    the caller says that the node itself cannot be filtered on."""
    changes: dict[str, Any] = {
        "statuses": ("FAILED",), "window": window.window_text(), "superseded": "no",
        "job_type_name": "", "job_type_id": "", "error_id": "", "error_category": "",
        "batch_id": "", "recipe_id": "", "source_sensor_class": "", "source_sensor": "",
        "source_collection": "", "source_task": "",
    }
    if JOB_TYPE in group.dimensions and group.job_type and group.job_type.id is not None:
        changes["job_type_id"] = str(group.job_type.id)
    if ERROR in group.dimensions and group.error and group.error.id is not None:
        changes["error_id"] = str(group.error.id)
    if CATEGORY in group.dimensions and group.category:
        changes["error_category"] = group.category
    return changes


# ---- helpers

_FIELD = {ERROR: "error", JOB_TYPE: "job_type", NODE: "node", CATEGORY: "category"}


def _keys(job: FailedJob) -> dict[str, Any]:
    error, job_type, node = job[_ERROR], job[_JOB_TYPE], job[_NODE]
    return {
        ERROR: None if error is None else ErrorKey(error[0], error[1] or "", error[2] or "",
                                                   error[3] or ""),
        JOB_TYPE: None if job_type is None else JobTypeKey(job_type[0], job_type[1] or "",
                                                           job_type[2] or ""),
        NODE: None if node is None or (node[0] is None and not node[1])
        else NodeKey(node[0], node[1] or ""),
        CATEGORY: (error[3] or None) if error is not None else None,
    }


def _error_identity(job: FailedJob) -> Any:
    error = job[_ERROR]
    if error is None:
        return None
    return error[0] if error[0] is not None else ("name", error[1])


def _job_type_identity(job: FailedJob) -> Any:
    job_type = job[_JOB_TYPE]
    if job_type is None:
        return None
    return job_type[0] if job_type[0] is not None else ("name", job_type[1], job_type[2])


def _node_identity(job: FailedJob) -> Any:
    node = job[_NODE]
    if node is None or (node[0] is None and not node[1]):
        return None
    return node[0] if node[0] is not None else ("host", node[1])


def _category_identity(job: FailedJob) -> Any:
    error = job[_ERROR]
    return (error[3] or None) if error is not None else None


_IDENTITY = {ERROR: _error_identity, JOB_TYPE: _job_type_identity, NODE: _node_identity,
             CATEGORY: _category_identity}


def _iso(moment: datetime | None) -> str | None:
    if moment is None:
        return None
    return format_timestamp(moment)


def _moment(value: Any, now: datetime) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, timedelta):
        return now - value
    return value

