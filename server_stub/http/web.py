"""HTTP behaviour Scale gets from Django and DRF rather than from its own views.

Trailing-slash 301s, DRF error bodies, Django's HTML 404 for unrouted paths, token auth, the
``format`` parameter, absolute URLs behind a proxy, and the request log used by tests.
"""

from __future__ import annotations

import collections
import html
import json
import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

JSON = "application/json"


def json_response(data: Any, status: int = 200, headers: dict | None = None,
                  background=None) -> Response:
    body = data if isinstance(data, (bytes, str)) else json.dumps(
        data, ensure_ascii=False, separators=(",", ":"))
    return Response(body, status_code=status, media_type=JSON, headers=headers,
                    background=background)


def detail(status: int, text: str) -> Response:
    return json_response({"detail": text}, status)


def django_404(path: str) -> Response:
    page = ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n  <title>Not Found</title>\n</head>\n"
            f"<body>\n  <h1>Not Found</h1><p>The requested URL {html.escape(path)} was not found "
            "on this server.</p>\n</body>\n</html>\n")
    return Response(page, status_code=404, media_type="text/html")


def base_url(request: Request) -> str:
    """Scheme and host as Django builds them with Scale's proxy settings, plus the root path."""
    headers = request.headers
    scheme = headers.get("x-forwarded-proto", "").split(",")[0].strip() or request.url.scheme
    host = (headers.get("x-forwarded-host", "").split(",")[0].strip()
            or headers.get("host") or request.url.netloc)
    return f"{scheme}://{host}{request.scope.get('root_path', '')}"


def absolute_path(request: Request) -> str:
    return base_url(request) + request.url.path


class RequestLog:
    """The last 500 requests, for tests that check what a client sent.

    A body over ``KEEP_BODY`` bytes is not kept (``"body": null, "body_bytes": n``): 500 bodies
    of up to 1 MiB each would otherwise hold half a gigabyte."""

    KEEP_BODY = 64 * 1024

    def __init__(self, size: int = 500) -> None:
        self.entries: collections.deque = collections.deque(maxlen=size)

    def record(self, request: Request, body: bytes) -> dict:
        parsed = None
        if len(body) > self.KEEP_BODY:
            entry = {"method": request.method, "path": request.url.path,
                     "query": [list(kv) for kv in request.query_params.multi_items()],
                     "body": None, "body_bytes": len(body)}
            self.entries.append(entry)
            request.scope.setdefault("state", {})["log_entry"] = entry
            return entry
        if body:
            try:
                parsed = json.loads(body)
            except (ValueError, RecursionError):
                parsed = None
        entry = {"method": request.method, "path": request.url.path,
                 "query": [list(kv) for kv in request.query_params.multi_items()],
                 "body": parsed}
        self.entries.append(entry)
        request.scope.setdefault("state", {})["log_entry"] = entry
        return entry


def check_token(request: Request, token: str | None, *, public: bool = False) -> Response | None:
    """DRF ``TokenAuthentication`` with every endpoint requiring an authenticated user.

    A ``public`` view (``AllowAny``) admits a request without credentials, but DRF still
    authenticates a token that is sent, so a wrong one is refused there too."""
    if token is None:
        return None
    auth = request.headers.get("authorization", "").split()
    if not auth or auth[0].lower() != "token":
        if public:
            return None
        return detail(403, "Authentication credentials were not provided.")
    if len(auth) == 1:
        return detail(403, "Invalid token header. No credentials provided.")
    if len(auth) > 2:
        return detail(403, "Invalid token header. Token string should not contain spaces.")
    if auth[1] != token:
        return detail(403, "Invalid token.")
    return None


# Scale's URL patterns (job/urls.py and friends) as Django matches them: ids are digits.
SCALE_URLS = re.compile(r"""^/v[67]/(
      jobs/ | jobs/(cancel|requeue)/ | jobs/\d+/ | jobs/\d+/input_files/
    | jobs/\d+/executions/ | jobs/\d+/executions/\d+/
    | job-executions/ | job-executions/\d+/ | job-executions/\d+/logs/(combined|stdout|stderr)/
    | job-type-names/ | job-types/ | job-types/status/ | job-types/[^/]+/ | job-types/[^/]+/[^/]+/
    | scheduler/ | version/
)$""", re.VERBOSE)


def slash_redirect(request: Request) -> Response | None:
    """Django's APPEND_SLASH: 301 to the slashed path, query kept, for any method, when the
    slashed path is one of Scale's URLs."""
    path = request.url.path
    if path.endswith("/") or not SCALE_URLS.match(path + "/"):
        return None
    location = absolute_path(request) + "/"
    if request.url.query:
        location += "?" + request.url.query
    return Response(status_code=301, headers={"location": location})


MAX_BODY = 1024 * 1024  # bytes; a larger body is refused with 413 before it is read
PUBLIC_PATHS = re.compile(r"^/v[67]/version/$")  # scheduler/views.py VersionView: AllowAny


def too_large() -> Response:
    return detail(413, f"Request body exceeds {MAX_BODY} bytes.")


async def read_body(scope, receive) -> bytes | None:
    """The request body, or None as soon as it is known to exceed ``MAX_BODY``.

    A declared ``Content-Length`` over the limit is refused before a byte is read; a chunked
    body is read only up to the limit."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                if int(value) > MAX_BODY:
                    return None
            except ValueError:
                pass
    chunks, size, more = [], 0, True
    while more:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY:
            return None
        chunks.append(chunk)
        more = message.get("more_body", False)
    return b"".join(chunks)


def without_body(send):
    """``send`` for a HEAD request: the GET response's status and headers, no body bytes.

    Django's ``View.setup`` (django/views/generic/base.py) serves ``head`` with ``get`` when a
    view has no ``head``, and the server drops the body."""
    async def head_send(message):
        if message["type"] == "http.response.body":
            message = {**message, "body": b""}
        await send(message)
    return head_send


class ScaleFront:
    """Pure ASGI middleware doing Django's and DRF's work before Scale's views see a request.

    (``BaseHTTPMiddleware`` would cost a task and a copy per request; this stays on the path.)
    The ``/_stub/`` controls sit behind the same token as the API when one is set.
    """

    PREFIXES = ("/v6/", "/v7/")

    def __init__(self, app, *, state) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = scope["path"]
        if path.startswith(self.PREFIXES):
            await self._scale(scope, receive, send)
        elif path == "/_stub" or path.startswith("/_stub/"):
            denied = check_token(Request(scope), self.state.token)
            if denied is not None:
                await denied(scope, receive, send)
                return
            await self.app(scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _scale(self, scope, receive, send) -> None:
        request = Request(scope)
        redirect = slash_redirect(request)
        if redirect is not None:
            await redirect(scope, receive, send)
            return
        body = b""
        if scope["method"] not in ("GET", "HEAD"):
            body = await read_body(scope, receive)
            if body is None:
                self.state.requests.record(request, b"")
                await too_large()(scope, receive, send)
                return
        self.state.requests.record(request, body)
        denied = check_token(request, self.state.token,
                             public=PUBLIC_PATHS.match(scope["path"]) is not None)
        if denied is not None:
            await denied(scope, receive, send)
            return
        if scope["method"] == "HEAD":
            scope = {**scope, "method": "GET"}
            send = without_body(send)
        replayed = False

        async def replay():
            nonlocal replayed
            if not replayed and scope["method"] not in ("GET", "HEAD"):
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)
