"""ScaleClient: the Scale v6 job services as async methods returning models.

One client owns one connection pool; use it as ``async with ScaleClient(url) as scale:``.
Paths always end in a slash (real Scale answers 301 otherwise, docs/scale.md §0).
"""

from __future__ import annotations

import asyncio
import ssl
from collections.abc import AsyncIterator, Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import quote

import httpx

from scale_tui.api.body import LOG_BODY_CAP, BodyError, parse_json
from scale_tui.api.errors import InvalidFilter, NotFound, UnexpectedResponse, detail_from_body
from scale_tui.api.filters import JobFilter
from scale_tui.api.http import Http
from scale_tui.api.lenient import LenientModel, ValidationError
from scale_tui.api.logs import (
    LOG_STREAMS,
    LogFormatError,
    LogLine,
    parse_log_response,
)
from scale_tui.api.models import EXECUTION_STATUSES, Job, Page
from scale_tui.api.timefmt import format_duration, format_timestamp, parse_time

if TYPE_CHECKING:
    from scale_tui.api.detail_models import (
        Execution,
        ExecutionDetails,
        JobBrief,
        JobDetails,
        ScaleFile,
        Scheduler,
    )
    from scale_tui.api.job_type_models import JobType, JobTypeDetails

# The models of the other pages are imported by the methods that read them: listing jobs
# builds only the job list's models (issue 15, scale_tui/api/__init__.py).

M = TypeVar("M", bound=LenientModel)
MAX_PAGE_SIZE = 1000
_PARSE_INLINE_BYTES = 256 * 1024
"""Log responses larger than this are parsed in a worker thread."""


class ScaleClient:
    """Async client for one Scale server.

    ``base_url`` is the server root, with its script prefix if any (``https://host/service/
    scale/api``). ``verify`` is a bool, an ``ssl.SSLContext`` or the path of a CA bundle.
    GETs are tried up to ``max_tries`` times on connection failures and 502/503/504, waiting
    ``backoff`` seconds and doubling; POSTs are sent once. ``blocking``: one request at a time,
    each blocking the loop (api/http.py ``BlockingTransport``), for a loop of its own.
    """

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        timeout: float = 10.0,
        verify: bool | str | Path | ssl.SSLContext = True,
        transport: httpx.AsyncBaseTransport | None = None,
        max_tries: int = 3,
        backoff: float = 0.2,
        blocking: bool = False,
    ) -> None:
        self._http = Http(
            base_url, token=token, timeout=timeout, verify=verify, transport=transport,
            max_tries=max_tries, backoff=backoff, blocking=blocking,
        )  # fmt: skip

    @property
    def base_url(self) -> str:
        return self._http.base_url

    def __repr__(self) -> str:
        return f"ScaleClient({self.base_url!r})"  # never the token

    async def __aenter__(self) -> ScaleClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._http.aclose()

    # -- jobs ---------------------------------------------------------------------------------

    async def list_jobs(
        self, filters: JobFilter | None = None, *, page: int = 1, page_size: int = 100
    ) -> Page[Job]:
        """One page of ``GET /v6/jobs/`` (Scale's default order is last_modified ascending)."""
        params = (filters or JobFilter()).to_query() + _paging(page, page_size)
        return await self._page("v6/jobs/", params, Job)

    async def iter_jobs(
        self, filters: JobFilter | None = None, *, page_size: int = 100
    ) -> AsyncIterator[Job]:
        """Every matching job, page after page.

        Jobs that change while we page can move between pages; a job already yielded is not
        yielded again, and a list that shrinks under us ends cleanly instead of with 404.
        """
        seen: set[int] = set()
        page = 1
        while True:
            try:
                result = await self.list_jobs(filters, page=page, page_size=page_size)
            except NotFound:
                if page == 1:
                    raise
                return  # "Invalid page.": the list got shorter while we read it
            for job in result.results:
                if job.id not in seen:
                    seen.add(job.id)
                    yield job
            if not result.next or not result.results:
                return
            page += 1

    async def list_job_briefs(
        self, filters: JobFilter | None = None, *, page: int = 1, page_size: int = 1000,
        keep: Callable[[JobBrief], Any] | None = None,
    ) -> Page[Any]:
        """One page of ``GET /v6/jobs/`` as ``JobBrief``s (the fields triage reads), parsed in
        a worker thread. A 1000-job page is ~1.9 MB; as full ``Job`` models parsed on the
        caller's loop (``list_jobs``) it held the console for 150-400 ms (bench/triage.py).
        ``keep``, when given, turns each job into what the caller keeps, in that same thread
        (triage keeps plain tuples with shared job types, errors and nodes). Briefs are never
        tracked by the garbage collector; tens of thousands of tracked (pydantic) models once
        made every full collection of the process hold the GIL 100-450 ms (bench/triage.py)."""
        params = (filters or JobFilter()).to_query() + _paging(page, page_size)
        response = await self._http.get("v6/jobs/", params)
        return await asyncio.to_thread(_brief_page, response, keep)

    async def get_job(self, job_id: int) -> JobDetails:
        from scale_tui.api.detail_models import JobDetails

        return await self._one(f"v6/jobs/{int(job_id)}/", JobDetails)

    async def queue_job(
        self,
        job_type_id: int,
        input: dict[str, Any] | None = None,
        configuration: dict[str, Any] | None = None,
    ) -> JobDetails:
        """Queue a new job (``POST /v6/jobs/``, 201): ``input`` is ``{"files":..., "json":...}``."""
        from scale_tui.api.detail_models import JobDetails

        body: dict[str, Any] = {"job_type_id": int(job_type_id), "input": input or {}}
        if configuration:
            body["configuration"] = configuration
        response = await self._http.post("v6/jobs/", json=body)
        return _model(response, JobDetails)

    async def list_job_input_files(
        self, job_id: int, *, page: int = 1, page_size: int = 100
    ) -> Page[ScaleFile]:
        from scale_tui.api.detail_models import ScaleFile

        path = f"v6/jobs/{int(job_id)}/input_files/"
        return await self._page(path, _paging(page, page_size), ScaleFile)

    async def list_job_executions(
        self,
        job_id: int,
        *,
        status: str | list[str] | None = None,
        page: int = 1,
        page_size: int = 100,
    ) -> Page[Execution]:
        """A job's executions, newest (highest ``exe_num``) first."""
        from scale_tui.api.detail_models import Execution

        statuses = [status] if isinstance(status, str) else list(status or [])
        for value in statuses:
            if value not in EXECUTION_STATUSES:
                raise InvalidFilter(
                    f"status: {value!r} is not an execution status; one of "
                    + ", ".join(EXECUTION_STATUSES)
                )
        params = [("status", s) for s in statuses] + _paging(page, page_size)
        return await self._page(f"v6/jobs/{int(job_id)}/executions/", params, Execution)

    async def get_job_execution(self, job_id: int, exe_num: int) -> ExecutionDetails:
        from scale_tui.api.detail_models import ExecutionDetails

        return await self._one(
            f"v6/jobs/{int(job_id)}/executions/{int(exe_num)}/", ExecutionDetails
        )

    async def cancel_jobs(self, filters: JobFilter) -> None:
        """Cancel every job matching ``filters`` (202; Scale does the work later).

        An empty filter cancels every job on the server: callers confirm that first.
        """
        await self._http.post("v6/jobs/cancel/", json=filters.to_action_body())

    async def requeue_jobs(self, filters: JobFilter, priority: int | None = None) -> None:
        """Requeue every job matching ``filters`` (202). A lower ``priority`` runs sooner."""
        body = filters.to_action_body()
        if priority is not None:
            # Scale treats 0 as "not given" and job configurations need at least 1.
            if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
                raise InvalidFilter(
                    f"priority: must be a whole number of at least 1, not {priority!r}"
                )
            body["priority"] = priority
        await self._http.post("v6/jobs/requeue/", json=body)

    # -- logs ---------------------------------------------------------------------------------

    async def get_execution_log(
        self,
        execution_id: int,
        stream: str = "combined",
        started: datetime | timedelta | str | None = None,
    ) -> list[LogLine]:
        """An execution's log lines from ``started`` (inclusive); ``[]`` on 204 (nothing yet).

        ``execution_id`` is the execution's own id (``Execution.id``), not the job id.
        """
        if stream not in LOG_STREAMS:
            raise InvalidFilter(f"stream: {stream!r} is not one of {', '.join(LOG_STREAMS)}")
        params = []
        if started is not None:
            value = parse_time(started, field="started") if isinstance(started, str) else started
            text = (
                format_duration(value) if isinstance(value, timedelta) else format_timestamp(value)
            )
            params.append(("started", text))
        path = f"v6/job-executions/{int(execution_id)}/logs/{stream}/"
        response = await self._http.get(path, params, max_bytes=LOG_BODY_CAP)
        if response.status_code == 204:
            return []
        try:
            if len(response.content) < _PARSE_INLINE_BYTES:
                return parse_log_response(response.content)
            # A full 10,000-line page takes ~85 ms to parse: off the caller's event loop, so a
            # console following a chatty log keeps drawing.
            return await asyncio.to_thread(parse_log_response, response.content)
        except (ValueError, LogFormatError) as exc:
            raise _unexpected(response, str(exc)) from None

    # -- job types ----------------------------------------------------------------------------

    async def list_job_types(
        self, *, is_active: bool | None = None, page: int = 1, page_size: int = 100
    ) -> Page[JobType]:
        from scale_tui.api.job_type_models import JobType

        params = _paging(page, page_size)
        if is_active is not None:
            params.append(("is_active", "true" if is_active else "false"))
        return await self._page("v6/job-types/", params, JobType)

    async def list_job_type_names(self) -> list[str]:
        """Every job type name, sorted (for the job type filter's choices).

        Uses ``/v6/job-type-names/``; servers without it get the names from the job type list.
        """
        from scale_tui.api.job_type_models import JobType, JobTypeName

        try:
            pages = await self._all_pages("v6/job-type-names/", JobTypeName)
            names = {item.name for item in pages}
        except NotFound:
            names = {item.name for item in await self._all_pages("v6/job-types/", JobType)}
        return sorted(name for name in names if name)

    async def get_job_type(self, name: str, version: str) -> JobTypeDetails:
        from scale_tui.api.job_type_models import JobTypeDetails

        # Names come from the server: a lone surrogate ("\udc80" in its JSON) must not raise
        # UnicodeEncodeError here; it goes back as the bytes it stood for.
        path = (f"v6/job-types/{quote(name, safe='', errors='surrogatepass')}/"
                f"{quote(version, safe='', errors='surrogatepass')}/")
        return await self._one(path, JobTypeDetails)

    async def get_version(self) -> dict[str, Any]:
        """``GET /v6/version/``: e.g. ``{"version": "7.0.0"}`` (a cheap reachability check)."""
        response = await self._http.get("v6/version/")
        data = _json(response)
        if not isinstance(data, dict):
            raise _unexpected(response, "expected a JSON object")
        return data

    async def get_scheduler(self) -> Scheduler:
        """``GET /v6/scheduler/``: whether the scheduler is paused (QUEUED jobs then wait)."""
        from scale_tui.api.detail_models import Scheduler

        return await self._one("v6/scheduler/", Scheduler)

    # -- helpers ------------------------------------------------------------------------------

    async def _one(self, path: str, model: type[M]) -> M:
        return _model(await self._http.get(path), model)

    async def _page(self, path: str, params: list[tuple[str, str]], model: type[M]) -> Page[M]:
        return _model(await self._http.get(path, params), Page[model])  # type: ignore[valid-type]

    async def _all_pages(self, path: str, model: type[M]) -> list[M]:
        items: list[M] = []
        page = 1
        while True:
            result = await self._page(path, _paging(page, MAX_PAGE_SIZE), model)
            items.extend(result.results)
            if not result.next or not result.results:
                return items
            page += 1


def _paging(page: int, page_size: int) -> list[tuple[str, str]]:
    if isinstance(page, bool) or not isinstance(page, int) or page < 1:
        raise InvalidFilter(f"page: must be a whole number of at least 1, not {page!r}")
    if (
        isinstance(page_size, bool)
        or not isinstance(page_size, int)
        or not 1 <= page_size <= MAX_PAGE_SIZE
    ):
        raise InvalidFilter(f"page_size: must be from 1 to {MAX_PAGE_SIZE}, not {page_size!r}")
    return [("page", str(page)), ("page_size", str(page_size))]


def _json(response: httpx.Response) -> Any:
    try:
        return parse_json(response.content)
    except BodyError as exc:
        raise _unexpected(response, _expected_json(exc)) from None


def _model(response: httpx.Response, model: type[M]) -> M:
    """The body as ``model``, or `UnexpectedResponse`: never half a model, never a
    RecursionError (api/lenient.py: one typed decode, else ``body.parse_json`` and repairs)."""
    try:
        return model.model_validate_json(response.content)
    except BodyError as exc:
        raise _unexpected(response, _expected_json(exc)) from None
    except ValidationError as exc:
        raise _unexpected(response, str(exc)) from None
    except (ValueError, RecursionError):
        raise _unexpected(response, "expected JSON") from None


def _expected_json(exc: BodyError) -> str:
    text = str(exc)
    return "expected JSON" if text.startswith("not JSON") else text


def _brief_page(response: httpx.Response,
                keep: Callable[[JobBrief], Any] | None = None) -> Page[Any]:
    """A jobs page as `JobBrief`s (or what `keep` makes of each), with `_model`'s rules (depth
    cap, never half a page). One typed decode of the whole page: briefs are never tracked by the
    garbage collector (``gc=False``), so a page of them alive gives it nothing to walk or
    promote (full `Job` models did: a full collection of the console nearly every page, each
    holding the GIL 50-150 ms; bench/triage.py)."""
    from scale_tui.api.detail_models import JobBrief

    page = _model(response, Page[JobBrief])
    if keep is not None:
        page.results = [keep(job) for job in page.results]
    return page


def _unexpected(response: httpx.Response, what: str) -> UnexpectedResponse:
    content_type = response.headers.get("content-type", "")
    # A page that is not JSON (a proxy's login page) is best named by its title or first words.
    seen = "" if "json" in content_type else detail_from_body(response.content, content_type)
    detail = f"{what}; got {content_type or 'no content type'}" + (f": {seen[:80]}" if seen else "")
    request = response.request
    return UnexpectedResponse(response.status_code, detail, str(request.url), request.method)
