"""The one fake Scale every test shares (`FakeScale`); the one stand-in console is
tests/pilot.py's `HostApp`. Tests that need a real server process use the stub over loopback
(tests/conftest.py's ``stub_url``, tests/e2e).

`FakeScale` is an httpx transport: ``ScaleClient(url, transport=fake)`` or ``fake.client()``.
Every request is recorded (``requests``; POST bodies also in ``posts``) and then meets, in order:

1. The fault hook, for what a server or a proxy does wrong:
   ``down`` (connection refused); ``hold(match)`` / ``release()`` (a stalled server: matching
   requests wait); ``delay`` (slow pages); ``fault``, any ``request -> Response | None`` (may be
   async): raise for resets and timeouts, return for lies and hostile bodies, ``None`` to pass.
   The usual faults are built below: `refused`, `timed_out`, `reset_mid_body`, `html`, `raw`,
   `truncated`.
2. Scripted answers: ``on(method, path, *answers)``; ``path`` is a regular expression matched
   against the whole path; the answers come in turn and the last repeats; an answer is a
   Response or ``request -> Response | None`` (``None`` passes the request on).
3. The data it was given, served as Scale v6 serves it: ``jobs`` (``GET /v6/jobs/`` filtered by
   status, job_id and job_type_name, paged; ``GET /v6/job-type-names/``; cancel, requeue and
   queue POSTs, applied at once if ``apply``), ``job_types`` (list and details), executions and
   their logs (`execution()`: Elasticsearch's semantics, ``started`` inclusive, at most 10,000
   hits an answer, 204 when none). A fake without ``jobs`` answers none of these.
4. The real stub: in process (``FakeScale(stub=stub_app())``, over httpx.ASGITransport), Scale's
   whole seeded data set without a socket or a thread (the stub's lifespan does not run, so its
   command applier and simulator stay off: use it read-only); or over loopback
   (``FakeScale(stub=stub_url)``), the path a demo user's requests take.
5. Scale's 404 ``{"detail": "Not found."}``.

`serve(fake)` puts the same answers on a loopback HTTP port, for a subprocess.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import inspect
import json
import re
import threading
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import islice
from typing import Any

import httpx

from scale_tui.api import LogLine, ScaleClient
from scale_tui.api.logs import parse_es_timestamp

BASE_URL = "http://scale.test"
JSON = {"content-type": "application/json"}
HTML = {"content-type": "text/html; charset=utf-8"}
BAD_UTF8 = "<not utf-8>"
"""In any JSON the fake sends, this marker goes on the wire as bytes that are not UTF-8."""
_BAD_BYTES = b"\xff\xc3("
ES_CAP = 10_000
"""Scale's log endpoint answers at most this many lines (Elasticsearch's window)."""
T0 = datetime(2026, 1, 1, tzinfo=UTC)
"""Where an execution's log starts."""
QUEUED_JOB_ID = 901
"""The id a queued job gets."""

Answer = httpx.Response | Callable[[httpx.Request], Any] | None


def respond(data: Any, status: int = 200) -> httpx.Response:
    """JSON as Scale sends it (with `BAD_UTF8` turned into invalid bytes)."""
    text = json.dumps(data, ensure_ascii=False)
    return httpx.Response(status, headers=JSON, content=text.encode().replace(
        BAD_UTF8.encode(), _BAD_BYTES))


def not_found() -> httpx.Response:
    return httpx.Response(404, json={"detail": "Not found."})


def page(results: list[Any], *, count: int | None = None, more: bool = False) -> dict:
    return {"count": len(results) if count is None else count,
            "next": "more" if more else None, "previous": None, "results": results}


# ---- faults: each is a `fault` for FakeScale (or an answer for `on`)


def refused(request: httpx.Request) -> httpx.Response:
    raise httpx.ConnectError("connection refused", request=request)


def timed_out(request: httpx.Request) -> httpx.Response:
    raise httpx.ReadTimeout("timed out", request=request)


class _ResetStream(httpx.AsyncByteStream):
    """Half a body, then the connection goes away."""

    async def __aiter__(self):
        yield b'{"count": 300, "next": null, "previous": null, "results": [{"id": 1, '
        raise httpx.RemoteProtocolError("peer closed connection without sending complete body")


def reset_mid_body(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, headers=JSON, stream=_ResetStream())


def html(status: int, title: str = "Server Error") -> Callable[[httpx.Request], httpx.Response]:
    """A proxy's HTML error page."""

    def answer(request: httpx.Request) -> httpx.Response:
        text = f"<html><body><h1>{status} {title}</h1><p>nginx</p></body></html>"
        return httpx.Response(status, text=text, headers=HTML)

    return answer


def raw(content: bytes | Callable[[], bytes], status: int = 200,
         headers: dict[str, str] | None = None) -> Callable[[httpx.Request], httpx.Response]:
    """Always these bytes (a callable is called once, at the first request, and kept)."""

    @functools.cache
    def made() -> bytes:
        return content() if callable(content) else content

    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(status, content=made(), headers=JSON if headers is None else headers)

    return answer


def truncated(fake: FakeScale) -> Callable[[httpx.Request], Any]:
    """The good answer, cut in half."""

    async def answer(request: httpx.Request) -> httpx.Response:
        good = await fake.answer(request)
        content = await good.aread()
        return httpx.Response(200, content=content[: len(content) // 2], headers=JSON)

    return answer


def job_pages(request: httpx.Request) -> bool:
    """A page of the job list (not the one-job count reads beside it)."""
    return request.url.path == "/v6/jobs/" and request.url.params.get("page_size") != "1"


# ---- executions and their logs


@dataclass
class Execution:
    """One execution and its log: `LogLine`s in (timestamp, order) order."""

    id: int
    job_id: int
    exe_num: int = 1
    status: str = "RUNNING"
    started: bool = True
    lines: list[LogLine] = field(default_factory=list)
    cap: int = ES_CAP
    starts: list[str | None] = field(default_factory=list)
    """The ``started`` of every log request, in order."""

    def write(self, messages: Iterable[str], *, stream: str = "stdout", per_ms: int = 1) -> None:
        """Append lines from `T0` on, ``per_ms`` of them sharing each millisecond."""
        base = len(self.lines)
        for i, message in enumerate(messages):
            n = base + i
            self.lines.append(LogLine(T0 + timedelta(milliseconds=n // per_ms), n % per_ms,
                                      stream, message))

    def details(self) -> dict:
        return {"id": self.id, "exe_num": self.exe_num, "status": self.status,
                "started": es_time(T0) if self.started else None}

    def answer(self, stream: str, started: str | None) -> httpx.Response:
        """As Scale + Elasticsearch: ``started`` inclusive, sorted, capped, 204 when none."""
        self.starts.append(started)
        if not self.started:
            return httpx.Response(204)
        first = 0
        if started:
            since = parse_es_timestamp(started)
            first = bisect_left(self.lines, since, key=lambda line: line.timestamp)
        chosen = islice((line for line in islice(self.lines, first, None)
                         if stream in ("combined", line.stream)), self.cap)
        lines = list(chosen)
        return respond(es_response(lines)) if lines else httpx.Response(204)


def es_time(ts: datetime) -> str:
    return ts.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ts.microsecond // 1000:03d}Z"


def es_response(lines: list[LogLine]) -> dict:
    """Real Scale's log body: the raw Elasticsearch search response (docs/scale.md §5)."""
    hits = [
        {"_index": "scalelogs-1", "_type": "doc", "_id": str(i), "_score": None,
         "_source": {"@timestamp": ln.timestamp.isoformat().replace("+00:00", "Z"),
                     "scale_order_num": ln.order, "message": ln.message,
                     "stream": ln.stream, "scale_job_exe": "scale_31"},
         "sort": [0, ln.order]}
        for i, ln in enumerate(lines)
    ]  # fmt: skip
    return {"took": 3, "timed_out": False, "_shards": {"total": 1},
            "hits": {"total": len(hits), "max_score": None, "hits": hits}}  # fmt: skip


# ---- the fake


class FakeScale(httpx.AsyncBaseTransport):
    """The one fake Scale (see the module's docstring for the order a request meets things)."""

    def __init__(self, jobs: list[dict] | None = None, *, job_types: list[dict] | None = None,
                 stub: Any = None, delay: float = 0.0) -> None:
        self.jobs = jobs
        """Full job dicts, in the order ``GET /v6/jobs/`` returns them; None: no job routes."""
        self.job_types = job_types
        """Job type details (with their manifest), as ``GET /v6/job-types/{name}/{version}/``."""
        self.executions: dict[int, Execution] = {}
        self.apply = False  # apply cancel/requeue by id at once (real Scale: a moment later)
        self.max_page_size = 1000  # Scale's cap on page_size
        self.routes: dict[tuple[str, str], list[Answer]] = {}
        self.requests: list[httpx.Request] = []
        self.posts: list[tuple[str, Any]] = []
        # the fault hook
        self.down = False
        self.fault: Callable[[httpx.Request], Any] | None = None
        self.faulted = 0
        """How many requests the fault answered (or raised for)."""
        self.delay = delay
        self.stalls: Callable[[httpx.Request], bool] = job_pages
        """Which requests `hold()` and `delay` slow down."""
        self.gate: asyncio.Event | None = None
        self.waiting = 0
        """How many requests met a `hold()` (or `delay`), held or already released."""
        self.in_flight = 0
        self.max_in_flight = 0
        """The most job-list requests in flight at once."""
        self._stub: httpx.AsyncBaseTransport | None = None
        self._stub_url: httpx.URL | None = None
        if isinstance(stub, str):  # a stub over loopback (tests/conftest.py's stub_url)
            self._stub, self._stub_url = httpx.AsyncHTTPTransport(), httpx.URL(stub)
        elif stub is not None:
            self._stub = httpx.ASGITransport(app=stub)

    # -- set-up

    def on(self, method: str, path: str, *answers: Answer) -> FakeScale:
        """Answer ``method path`` (a regex over the whole path; method ``*``: any) with
        ``answers`` in turn, the last repeating."""
        self.routes[(method, path)] = list(answers)
        return self

    def execution(self, exe_id: int, *, job_id: int, exe_num: int = 1, **fields: Any) -> Execution:
        self.executions[exe_id] = Execution(exe_id, job_id, exe_num, **fields)
        return self.executions[exe_id]

    def write(self, messages: Iterable[str], **kwargs: Any) -> None:
        """Append lines to the log of the fake's one execution."""
        [execution] = self.executions.values()
        execution.write(messages, **kwargs)

    def job(self, job_id: int) -> dict:
        return next(j for j in self.jobs or [] if j["id"] == job_id)

    def hold(self, match: str | Callable[[httpx.Request], bool] | None = None) -> None:
        """Matching requests (default `job_pages`; a string: a regex over the whole path)
        wait, as on a stuck server, until `release()`."""
        if isinstance(match, str):
            pattern = re.compile(match)
            self.stalls = lambda request: bool(pattern.fullmatch(request.url.path))
        elif match is not None:
            self.stalls = match
        self.gate = asyncio.Event()

    def release(self) -> None:
        if self.gate is not None:
            self.gate.set()

    def client(self, url: str = BASE_URL, **kwargs: Any) -> ScaleClient:
        """A ScaleClient on this fake; no retries inside the client unless asked."""
        kwargs.setdefault("max_tries", 1)
        return ScaleClient(url, transport=self, **kwargs)

    # -- what it saw

    @property
    def last(self) -> httpx.Request:
        return self.requests[-1]

    def body(self, index: int = -1) -> Any:
        return json.loads(self.requests[index].content)

    def seen(self, path: str) -> list[httpx.Request]:
        """The requests whose path matches the regex ``path``."""
        pattern = re.compile(path)
        return [r for r in self.requests if pattern.fullmatch(r.url.path)]

    def list_requests(self) -> list[httpx.Request]:
        return [r for r in self.requests if job_pages(r)]

    @property
    def log_requests(self) -> list[httpx.Request]:
        return self.seen(r"/v6/job-executions/\d+/logs/\w+/")

    # -- serving

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if request.method == "POST":
            self.posts.append((request.url.path, _json_or_bytes(request.content)))
        counted = request.url.path == "/v6/jobs/"
        self.in_flight += counted
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if (self.gate is not None or self.delay) and self.stalls(request):
                self.waiting += 1
                if self.gate is not None:
                    await self.gate.wait()
                if self.delay:
                    await asyncio.sleep(self.delay)
            if self.down:
                refused(request)
            if self.fault is not None:
                try:
                    answer = await _call(self.fault, request)
                except Exception:
                    self.faulted += 1
                    raise
                if answer is not None:
                    self.faulted += 1
                    return answer
            return await self.answer(request)
        finally:
            self.in_flight -= counted

    async def answer(self, request: httpx.Request) -> httpx.Response:
        """The answer without faults: scripted, else the data, else the stub, else 404."""
        path = request.url.path
        for (method, pattern), answers in self.routes.items():
            if method in ("*", request.method) and re.fullmatch(pattern, path):
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                result = await _call(answer, request)
                if result is not None:
                    return result
                break
        if self.jobs is not None or self.job_types is not None or self.executions:
            result = self._data(request)
            if result is not None:
                return result
        if self._stub is not None:
            if self._stub_url is not None:
                request.url = request.url.copy_with(scheme=self._stub_url.scheme,
                                                    host=self._stub_url.host,
                                                    port=self._stub_url.port)
            return await self._stub.handle_async_request(request)
        return not_found()

    def _data(self, request: httpx.Request) -> httpx.Response | None:
        path, params = request.url.path, request.url.params
        path = path[path.find("/v6/"):]  # under any prefix (/service/scale/api/v6/...)
        if request.method == "POST":
            return self._post(request) if self.jobs is not None else None
        if path == "/v6/jobs/" and self.jobs is not None:
            return respond(self._page(self._matching(params), params))
        if path == "/v6/job-type-names/" and self.jobs is not None:
            names: dict[str, list[str]] = {}
            for j in self.jobs:
                versions = names.setdefault(j["job_type"]["name"], [])
                if j["job_type"]["version"] not in versions:
                    versions.append(j["job_type"]["version"])
            return respond(page([{"name": n, "versions": v} for n, v in names.items()]))
        if path == "/v6/job-types/" and self.job_types is not None:
            brief = [{k: v for k, v in t.items() if k != "manifest"} for t in self.job_types]
            return respond(self._page(brief, params))
        if (match := re.fullmatch(r"/v6/job-types/([^/]+)/([^/]+)/", path)) and self.job_types:
            found = [t for t in self.job_types if (t["name"], t["version"]) == match.groups()]
            return respond(found[0]) if found else not_found()
        if match := re.fullmatch(r"/v6/jobs/(\d+)/executions/(\d+)/", path):
            found = [e for e in self.executions.values()
                     if (e.job_id, e.exe_num) == (int(match[1]), int(match[2]))]
            return respond(found[0].details()) if found else None
        if match := re.fullmatch(r"/v6/job-executions/(\d+)/logs/(\w+)/", path):
            execution = self.executions.get(int(match[1]))
            return execution.answer(match[2], params.get("started")) if execution else None
        return None

    def _matching(self, params: httpx.QueryParams) -> list[dict]:
        statuses, names = params.get_list("status"), params.get_list("job_type_name")
        ids = [int(i) for i in params.get_list("job_id")]
        return [j for j in self.jobs or []
                if (not statuses or j["status"] in statuses) and (not ids or j["id"] in ids)
                and (not names or j["job_type"]["name"] in names)]

    def _page(self, items: list, params: httpx.QueryParams) -> dict:
        number = int(params.get("page", 1))
        size = min(int(params.get("page_size", 100)), self.max_page_size)
        chunk = items[(number - 1) * size: number * size]
        return page(chunk, count=len(items), more=number * size < len(items))

    def _post(self, request: httpx.Request) -> httpx.Response | None:
        path, sent = request.url.path, _json_or_bytes(request.content)
        if path == "/v6/jobs/":
            return respond({"id": QUEUED_JOB_ID, "status": "QUEUED", "num_exes": 1}, 201)
        if path not in ("/v6/jobs/cancel/", "/v6/jobs/requeue/"):
            return None
        if self.apply and isinstance(sent, dict) and "job_ids" in sent:
            new = "CANCELED" if path.endswith("/cancel/") else "QUEUED"
            for job_id in sent["job_ids"]:
                self.job(job_id)["status"] = new
        return httpx.Response(202)

    async def aclose(self) -> None:
        if self._stub is not None:
            await self._stub.aclose()


def _json_or_bytes(content: bytes) -> Any:
    try:
        return json.loads(content or b"{}")
    except ValueError:
        return content


async def _call(answer: Answer, request: httpx.Request) -> httpx.Response | None:
    if answer is None:
        return None
    if isinstance(answer, httpx.Response):  # a fresh copy: a response is read once
        return httpx.Response(answer.status_code, headers=answer.headers, content=answer.content)
    result = answer(request)
    return await result if inspect.isawaitable(result) else result


@functools.cache
def stub_app(jobs: int = 300, seed: int = 7):
    """The stub's FastAPI app (seeded, simulator off): the data tests/conftest.py's ``stub_url``
    serves, in this process. Built once a process (0.1 s); read-only: share it."""
    # Imported here: FastAPI costs ~1.5 s to import, and most users of this module never call it.
    from server_stub.app import create_app

    return create_app(jobs=jobs, seed=seed, simulate=False)


# ---- the same answers over loopback HTTP, for a subprocess


@contextlib.contextmanager
def serve(fake: FakeScale) -> Iterator[str]:
    """`fake` on 127.0.0.1 (a thread of its own, a loop of its own); yields its URL."""
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()

    async def exchange(request: httpx.Request) -> tuple[int, list[tuple[str, str]], bytes]:
        response = await fake.handle_async_request(request)
        return response.status_code, list(response.headers.items()), await response.aread()

    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            content = self.rfile.read(length) if length else b""
            request = httpx.Request(self.command, f"http://{self.headers['host']}{self.path}",
                                    headers=dict(self.headers), content=content)
            status, headers, data = asyncio.run_coroutine_threadsafe(
                exchange(request), loop).result()
            self.send_response(status)
            for name, value in headers:
                if name.lower() not in ("content-length", "transfer-encoding"):
                    self.send_header(name, value)
            self.send_header("content-length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_GET = do_POST = do_PATCH = _serve

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        loop.call_soon_threadsafe(loop.stop)
