"""Typed exceptions for everything that can go wrong talking to Scale.

Every exception's ``str()`` is one line a user can read: no HTML, no traceback, never the token.
The request (method and URL) is attached so the console can say what it was doing.
"""

from __future__ import annotations

import html
import json
import re
from http import HTTPStatus

from scale_tui.api.body import parse_json

__all__ = [
    "BadRequest",
    "Forbidden",
    "InvalidFilter",
    "NotFound",
    "ScaleAPIError",
    "ScaleConnectionError",
    "ScaleError",
    "ScaleTimeout",
    "ServerError",
    "UnexpectedResponse",
    "api_error",
    "detail_from_body",
]

# Long bodies (a Django debug page, a proxy's error page) are cut to keep the message one line.
_MAX_DETAIL = 300


class ScaleError(Exception):
    """Base of every error raised by scale_tui.api."""


class InvalidFilter(ScaleError, ValueError):
    """A filter value real Scale would reject; raised before any request is sent."""


class ScaleAPIError(ScaleError):
    """Scale answered with an HTTP error status."""

    kind = "Error"

    def __init__(self, status: int, detail: str, url: str = "", method: str = "GET") -> None:
        self.status = status
        self.detail = detail
        self.url = url
        self.method = method
        super().__init__(str(self))

    @property
    def request_line(self) -> str:
        """``GET /v6/jobs/``: what was asked, without host or query (and never the token)."""
        path = _path_of(self.url)
        return f"{self.method} {path}" if path else self.method

    def __str__(self) -> str:
        detail = self.detail or "(no detail)"
        return f"{self.kind} ({self.status}) from {self.request_line}: {detail}"

    def __repr__(self) -> str:
        return (
            f"{type(self).__name__}(status={self.status!r}, detail={self.detail!r}, "
            f"url={self.url!r}, method={self.method!r})"
        )


class BadRequest(ScaleAPIError):
    """400: Scale refused a parameter or body (its detail says which)."""

    kind = "Bad request"


class Forbidden(ScaleAPIError):
    """401/403: no or wrong token, or the user is not staff."""

    kind = "Forbidden"


class NotFound(ScaleAPIError):
    """404: no such job, execution, job type or page."""

    kind = "Not found"


class ServerError(ScaleAPIError):
    """5xx: Scale failed (real Scale answers some bad input this way, see docs/scale.md D21)."""

    kind = "Server error"


class UnexpectedResponse(ScaleAPIError):
    """2xx, but not what Scale sends: a proxy's login page, JSON of the wrong shape, a body
    nested too deep or over its size cap. Never data."""

    kind = "Unexpected response"


class ScaleConnectionError(ScaleError):
    """The server could not be reached (refused, DNS, TLS, reset)."""

    def __init__(self, message: str, url: str = "", method: str = "GET") -> None:
        self.url = url
        self.method = method
        self.message = message
        super().__init__(str(self))

    verb = "Cannot reach"

    def __str__(self) -> str:
        where = _origin_of(self.url) or "the server"
        return f"{self.verb} {where} ({self.method} {_path_of(self.url)}): {self.message}"


class ScaleTimeout(ScaleConnectionError):
    """The server did not answer in time."""

    verb = "Timed out waiting for"


class ScaleTLSError(ScaleConnectionError):
    """The TLS handshake failed: an untrusted or expired certificate, a wrong host name, or a
    server that does not speak TLS. Retrying does not help; the profile's ca_bundle might."""

    verb = "TLS failed with"


def api_error(
    status: int, body: bytes | str, content_type: str, url: str, method: str
) -> ScaleAPIError:
    """Build the right ScaleAPIError subclass for an error response."""
    detail = detail_from_body(body, content_type)
    if status == 400:
        cls: type[ScaleAPIError] = BadRequest
    elif status in (401, 403):
        cls = Forbidden
    elif status == 404:
        cls = NotFound
    elif status >= 500:
        cls = ServerError
    else:
        cls = ScaleAPIError
    if not detail:
        detail = _reason(status)
    return cls(status, detail, url, method)


def detail_from_body(body: bytes | str, content_type: str = "") -> str:
    """The one line worth showing from an error body: DRF detail, HTML title, or plain text."""
    text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
    text = text.strip()
    if not text:
        return ""
    if "html" in content_type or text.lstrip().lower().startswith(("<!doctype", "<html")):
        return _one_line(_html_summary(text))
    try:
        data = parse_json(text)  # depth-capped: an error body cannot cost a RecursionError
    except ValueError:
        return _one_line(text)
    return _one_line(_json_detail(data))


def _json_detail(data: object) -> str:
    if isinstance(data, str):
        return data
    if isinstance(data, dict):
        if "detail" in data:
            return _json_detail(data["detail"])
        # DRF field errors: {"field": ["msg", ...]}
        return "; ".join(f"{k}: {_json_detail(v)}" for k, v in data.items())
    if isinstance(data, list):
        return "; ".join(_json_detail(v) for v in data)
    return json.dumps(data)


def _html_summary(text: str) -> str:
    for tag in ("title", "h1"):
        match = re.search(rf"<{tag}[^>]*>(.*?)</{tag}>", text, re.IGNORECASE | re.DOTALL)
        if match and _strip_tags(match.group(1)):
            return _strip_tags(match.group(1))
    return _strip_tags(re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", text, flags=re.I | re.S))


def _strip_tags(fragment: str) -> str:
    return html.unescape(re.sub(r"<[^>]*>", " ", fragment))


def _one_line(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= _MAX_DETAIL else line[: _MAX_DETAIL - 1] + "…"


def _reason(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return f"HTTP {status}"


def _path_of(url: str) -> str:
    # Keep the path only: queries can be long, and userinfo in a URL must never be shown.
    rest = url.split("://", 1)[-1] if "://" in url else url
    if "://" in url:
        rest = "/" + rest.split("/", 1)[1] if "/" in rest else "/"
    return rest.split("?", 1)[0]


def _origin_of(url: str) -> str:
    if "://" not in url:
        return ""
    scheme, rest = url.split("://", 1)
    host = rest.split("/", 1)[0].rsplit("@", 1)[-1]
    return f"{scheme}://{host}"
