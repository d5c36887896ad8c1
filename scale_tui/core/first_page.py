"""The console's first page, asked while the UI is still importing (issue 15).

Importing textual and the screens takes most of a second; the first list request needs only
httpx and the client, which `scale-tui` has loaded already to read the config. So cli.py starts
`FirstPage.start` (a daemon thread with its own event loop and its own short-lived client) just
before it imports scale_tui.app, and the jobs screen takes the answer (`take`) if it is for the
same server, profile, filter and page size, once. Anything else (another filter by then, an
error, a demo server still starting) and the screen asks as it always does: a failure here is
never shown, the screen's own request meets it again and reports it the one usual way.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future

from scale_tui.api import JobFilter, Page
from scale_tui.core import state
from scale_tui.core.connect import make_client
from scale_tui.core.filter_form import FilterForm, FormErrors, to_job_filter

__all__ = ["FirstPage", "first_page_key", "page_size_of"]


def page_size_of(profile) -> int:
    """The profile's page size as the console uses it: 1 to 1000 rows."""
    return min(max(1, int(profile.page_size)), 1000)


def first_page_key(profile_name: str, url: str, query: JobFilter, page_size: int) -> tuple:
    """What an early answer must match to be shown: server, profile, query, page size."""
    return profile_name, url, tuple(query.to_query()), page_size


class FirstPage:
    """One early `list_jobs(page=1)`; its answer is a `Future` of a `Page` (or the error)."""

    def __init__(self, key: tuple, answer: Future) -> None:
        self.key = key
        self.answer = answer
        self._taken = False

    @classmethod
    def start(cls, profile_name: str, profile) -> FirstPage | None:
        """Send the request for the jobs screen's first view (the filter remembered for this
        server, core/state.py) in a thread now; None when that filter does not parse (the
        screen says why, as usual)."""
        form = FilterForm.from_dict(state.load_last_filter(state.filter_key(profile_name,
                                                                            profile.url)))
        page_size = page_size_of(profile)
        try:
            query = to_job_filter(form)
        except FormErrors:
            return None
        answer: Future[Page] = Future()

        async def fetch() -> Page:
            # Blocking: this loop sends this one request; anyio is then imported after the
            # first frame, by the console's own client (api/http.py BlockingTransport).
            async with make_client(profile, profile_name, blocking=True) as client:
                return await client.list_jobs(query, page=1, page_size=page_size)

        def run() -> None:
            # Running: a screen that stops waiting (cancelled) cannot cancel it under our feet.
            answer.set_running_or_notify_cancel()
            try:
                answer.set_result(asyncio.run(fetch()))
            except BaseException as exc:  # handed to the screen, which asks again itself
                answer.set_exception(exc)

        threading.Thread(target=run, name="scale-tui-first-page", daemon=True).start()
        return cls(first_page_key(profile_name, profile.url, query, page_size), answer)

    def take(self, key: tuple) -> Future | None:
        """The answer, if it is for `key` and nobody took it yet."""
        if self._taken or key != self.key:
            return None
        self._taken = True
        return self.answer
