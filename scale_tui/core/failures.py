"""Which failures asking again can mend: the rule every refresh loop follows (issue 12).

A 400 (Bad Request) means the server refused the request as written: the same filter gets the
same answer however often it is sent, so a 400 is never retried. The jobs screen shows it beside
the filter instead (the operator mends it there); `r` still asks again by hand. Everything else
(no connection, 5xx, 403, a timeout) may pass, and the schedule of
`core/refresh_policy.py` decides when to ask again.
"""

from __future__ import annotations

from scale_tui.api import BadRequest

__all__ = ["rejected_request", "retry_helps"]


def retry_helps(error: BaseException) -> bool:
    """False when sending the same request again cannot succeed (a 400)."""
    return not isinstance(error, BadRequest)


def rejected_request(error: BaseException) -> str:
    """The server's reason for refusing the request as written ('' if it did not refuse it)."""
    if isinstance(error, BadRequest):
        return error.detail or str(error)
    return ""
