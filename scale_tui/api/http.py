"""The HTTP layer under ScaleClient: one httpx.AsyncClient, retries, and error mapping.

It knows nothing of Scale's endpoints; it turns every way a request can fail into one of our
typed exceptions with the method and URL attached (never the token). GETs are retried on
connection failures and 502/503/504 with bounded exponential backoff; POSTs never are, because
a cancel or requeue that reached the server must not be sent twice. The retry numbers
(``max_tries``, ``backoff``) are the console's one schedule, scale_tui/core/refresh_policy.py,
which the console and the scripts pass in (api imports nothing above it; the defaults here
equal the policy's, tests/tui/test_refresh_policy.py holds that). Redirects are never
followed: Scale answers a missing trailing slash with 301 even for POSTs, and a client that
follows it turns the POST into a GET.
"""

from __future__ import annotations

import asyncio
import logging
import random
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx

from scale_tui import __version__
from scale_tui.api.body import ERROR_BODY_CAP, RESPONSE_BODY_CAP, size_text
from scale_tui.api.errors import (
    ScaleAPIError,
    ScaleConnectionError,
    ScaleError,
    ScaleTimeout,
    ScaleTLSError,
    UnexpectedResponse,
    api_error,
)
from scale_tui.api.numbers import whole_number

log = logging.getLogger(__name__)  # the console logs to a file; requests never carry the token
USER_AGENT = f"scale-tui/{__version__}"
RETRY_STATUSES = frozenset({502, 503, 504})
# Failures where the request cannot have been processed, so a GET may simply be tried again.
_RETRY_EXCEPTIONS = (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError)


class Redirected(ScaleAPIError):
    """3xx: the server moved the API (http to https, another prefix). We never follow it."""

    kind = "Redirected"


def ssl_verify(verify: bool | str | Path | ssl.SSLContext) -> bool | ssl.SSLContext:
    """httpx's ``verify`` from ours: a bool, a ready SSLContext, or a CA bundle path to trust."""
    if isinstance(verify, bool | ssl.SSLContext):
        return verify
    path = Path(verify).expanduser()
    if not path.is_file():
        raise ScaleError(f"CA bundle not found: {path}")
    try:
        return ssl.create_default_context(cafile=str(path))
    except (ssl.SSLError, OSError) as exc:
        raise ScaleError(f"CA bundle {path} cannot be read: {exc}") from None


def _speaks_tls(base_url: str) -> bool:
    """Whether a client of ``base_url`` can ever open a TLS connection. A plain-http base never
    does: redirects are not followed and every path is relative to it. Its client then gets no
    certificate store, whose loading (certifi's bundle, into an SSLContext) costs ~30 ms of CPU
    (quiet machine) at every start of a script or the console (issue 15, docs/startup.md)."""
    return not base_url.lower().startswith("http://")


class Http:
    """Sends requests relative to ``base_url`` and returns only successful responses."""

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
        headers = {"User-Agent": USER_AGENT, "Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Token {token}"
        self.max_tries = max(1, max_tries)
        self.backoff = backoff
        self._random = random.Random()
        verify = ssl_verify(verify)  # a bad CA bundle is an error whatever the scheme
        verify = verify if _speaks_tls(base_url) else False
        if blocking and transport is None:
            transport = BlockingTransport(httpx.HTTPTransport(verify=verify))
        self._client = httpx.AsyncClient(
            base_url=base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(timeout, connect=min(timeout, 5.0)),
            verify=verify,
            transport=transport,
            follow_redirects=False,
        )

    @property
    def base_url(self) -> str:
        return str(self._client.base_url)

    async def aclose(self) -> None:
        await self._client.aclose()

    async def get(self, path: str, params: Any = None, *, max_bytes: int = RESPONSE_BODY_CAP,
                  **kwargs: Any) -> httpx.Response:
        return await self.request("GET", path, params=params, max_bytes=max_bytes, **kwargs)

    async def post(self, path: str, json: Any = None) -> httpx.Response:
        return await self.request("POST", path, json=json)

    async def request(self, method: str, path: str, *, max_bytes: int = RESPONSE_BODY_CAP,
                      **kwargs: Any) -> httpx.Response:
        """Send one request (GETs: up to ``max_tries``) and raise on anything but 2xx.

        The body is read in chunks and never past ``max_bytes`` (an answer over it is an
        `UnexpectedResponse`; an error answer is cut at `ERROR_BODY_CAP`, its first line is all
        we show). The returned response holds the body read."""
        tries = self.max_tries if method in ("GET", "HEAD") else 1
        request = self._client.build_request(method, path.lstrip("/"), **kwargs)
        if request.url.scheme != self._client.base_url.scheme:  # never: paths are relative
            raise ScaleError(f"refusing {request.url.scheme}: the server is "
                             f"{self._client.base_url.scheme}")  # (and TLS settings follow it)
        where = request.url.raw_path.decode("ascii", "replace")  # for logs: no host, no userinfo
        for attempt in range(1, tries + 1):
            try:
                streamed = await self._client.send(request, stream=True)
                try:
                    response = streamed
                    retry = streamed.status_code in RETRY_STATUSES and attempt < tries
                    if not retry:
                        response = await _read(streamed, request, max_bytes)
                finally:
                    await streamed.aclose()
            except _RETRY_EXCEPTIONS as exc:
                if attempt < tries:
                    log.info("%s %s failed (%s); try %d of %d", method, where, exc,
                             attempt + 1, tries)  # fmt: skip
                    await self._sleep(attempt)
                    continue
                raise _transport_error(exc, request) from None
            except httpx.HTTPError as exc:
                raise _transport_error(exc, request) from None
            log.debug("%s %s -> %d", method, where, response.status_code)
            if retry:
                log.info("%s %s answered %d; try %d of %d", method, where,
                         response.status_code, attempt + 1, tries)  # fmt: skip
                await self._sleep(attempt)
                continue
            return _checked(response, request)
        raise AssertionError("unreachable")  # pragma: no cover

    async def _sleep(self, attempt: int) -> None:
        # 0.2 s, 0.4 s, ... with +/-20 % jitter so many consoles do not retry in step.
        delay = self.backoff * (2 ** (attempt - 1)) * self._random.uniform(0.8, 1.2)
        if delay > 0:
            await asyncio.sleep(delay)


class BlockingTransport(httpx.AsyncBaseTransport):
    """httpx's sync transport behind the async interface (``Http(blocking=True)``).

    A request blocks its event loop until the answer's headers are in, and each body chunk until
    it is read; timeouts, TLS and errors are httpx's own, as with the async transport. It is for
    a client that sends one request at a time on a loop of its own: the console's early first
    page, in its thread (core/first_page.py), and the scripts that never send two at once
    (scripts/subcommands.py). httpx's async transport imports anyio and its asyncio backend for
    its pool's locks (~50-100 ms of CPU at a start, issue 15, docs/startup.md)."""

    def __init__(self, transport: httpx.HTTPTransport) -> None:
        self._transport = transport

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        answer = self._transport.handle_request(request)
        return httpx.Response(answer.status_code, headers=answer.headers,
                              stream=_ChunksOf(answer.stream), extensions=answer.extensions)

    async def aclose(self) -> None:
        self._transport.close()


class _ChunksOf(httpx.AsyncByteStream):
    def __init__(self, stream: httpx.SyncByteStream) -> None:
        self._stream = stream

    async def __aiter__(self) -> AsyncIterator[bytes]:
        for chunk in self._stream:
            yield chunk

    async def aclose(self) -> None:
        self._stream.close()


# Headers that describe the bytes on the wire, not the (decoded) body we keep.
_WIRE_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})


async def _read(response: httpx.Response, request: httpx.Request,
                max_bytes: int) -> httpx.Response:
    """The response with its body read, at most ``max_bytes`` of it (decoded, so a compressed
    bomb counts at its real size)."""
    success = response.status_code < 300
    cap = max_bytes if success else min(max_bytes, ERROR_BODY_CAP)
    declared = whole_number(response.headers.get("content-length", ""))
    if success and declared is not None and declared > cap:
        raise _too_big(response, request, cap, f"Content-Length {declared:,}")
    body = bytearray()
    async for chunk in response.aiter_bytes():
        body += chunk
        if len(body) > cap:
            if success:
                raise _too_big(response, request, cap, "")
            del body[cap:]  # an error page: its start is enough to name the error
            break
    headers = [(k, v) for k, v in response.headers.multi_items()
               if k.lower() not in _WIRE_HEADERS]
    return httpx.Response(response.status_code, headers=headers, content=bytes(body),
                          request=request)


def _too_big(response: httpx.Response, request: httpx.Request, cap: int,
             declared: str) -> UnexpectedResponse:
    detail = f"body over the {size_text(cap)} cap" + (f" ({declared})" if declared else "")
    return UnexpectedResponse(response.status_code, detail, str(request.url), request.method)


def _checked(response: httpx.Response, request: httpx.Request) -> httpx.Response:
    status = response.status_code
    if status < 300:
        return response
    url, method = str(request.url), request.method
    if status < 400:
        where = response.headers.get("location", "(no Location)")
        raise Redirected(
            status, f"moved to {where}; use that address as the server URL", url, method
        )
    content_type = response.headers.get("content-type", "")
    raise api_error(status, response.content, content_type, url, method)


def _transport_error(exc: httpx.HTTPError, request: httpx.Request) -> ScaleConnectionError:
    message = str(exc) or type(exc).__name__
    url, method = str(request.url), request.method
    if isinstance(exc, httpx.TimeoutException):
        return ScaleTimeout(message, url, method)
    if _caused_by_tls(exc):
        return ScaleTLSError(message, url, method)
    return ScaleConnectionError(message, url, method)


def _caused_by_tls(exc: BaseException) -> bool:
    """httpx wraps the ssl module's error (in httpcore's) instead of subclassing it."""
    seen: BaseException | None = exc
    for _ in range(8):  # a short chain; the bound only guards against a cycle
        if seen is None:
            return False
        if isinstance(seen, ssl.SSLError):
            return True
        seen = seen.__cause__ or seen.__context__
    return False
