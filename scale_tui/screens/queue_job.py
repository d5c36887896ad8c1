"""Queue a new job: pick an active, unpaused job type and version, fill in its manifest's inputs.

The form of each job type is kept while the dialog is open, so looking at another type and
coming back loses nothing. A 400 from Scale (its ``detail`` names the input) is shown beside
the form with every typed value in place; on 201 the dialog returns the new job's id.

Like the cancel/requeue confirmation, the form sends what it shows: the request that will be
sent, any server error and the buttons are held at the bottom (the request scrolls in its own
box), so at 80x24 they stay on screen; only the job type list and the form scroll. ``Enter`` in
the last field moves to the Queue button; only a press of that button sends.
"""

from __future__ import annotations

import json

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from scale_tui.api import BadRequest, JobType, JobTypeDetails, ScaleClient, ScaleError
from scale_tui.api.job_types import newest_versions_first
from scale_tui.core.action_plan import explain_error, parse_priority
from scale_tui.core.sanitize import display_text
from scale_tui.screens.host import ServerBound
from scale_tui.widgets.guard import Guarded, ScreenData
from scale_tui.widgets.manifest_form import ManifestForm, build_data
from scale_tui.widgets.styles import PlainStatic

_MAX_TYPE_PAGES = 20  # 20,000 job type versions: far past any real cluster


class QueueJobScreen(ServerBound, Guarded, ModalScreen[int | None]):
    DEFAULT_CSS = """
    QueueJobScreen { align: center middle; }
    QueueJobScreen #dialog {
        width: 120; max-width: 98%; height: 90%; max-height: 100%; border: thick $primary;
        background: $surface; padding: 0 1;
    }
    QueueJobScreen #title { text-style: bold; }
    QueueJobScreen #body { height: 1fr; }
    QueueJobScreen #job-types { width: 35%; max-width: 40; height: 100%; }
    QueueJobScreen #form-area { width: 1fr; height: 100%; padding-left: 1; }
    QueueJobScreen #about { color: $text-muted; margin-bottom: 1; }
    QueueJobScreen #bottom { height: auto; }
    QueueJobScreen #request-box { height: auto; max-height: 6; border-top: solid $primary; }
    QueueJobScreen #server-error { color: $error; }
    QueueJobScreen #request { color: $text-muted; }
    QueueJobScreen #buttons { height: auto; align-horizontal: right; }
    QueueJobScreen Button { margin-left: 2; }
    """
    BINDINGS = [Binding("escape", "back", "Back", id="queue.back")]

    def __init__(self, client: ScaleClient | None = None) -> None:
        super().__init__()
        self._client = client
        self.job_types: list[JobType] = []
        self.details: dict[str, JobTypeDetails] = {}
        self.forms: dict[str, ManifestForm] = {}
        self.current: str | None = None
        self.focus_form_when_shown = False


    def compose(self) -> ComposeResult:
        with Vertical(id="dialog"):
            yield PlainStatic("Queue a new job", id="title")
            with Horizontal(id="body"):
                yield OptionList(id="job-types")
                with VerticalScroll(id="form-area"):
                    yield PlainStatic("Loading job types…", id="about")
                    yield Label("Priority (optional; a whole number, 1 or more; lower runs first):")
                    yield Input(placeholder="the job type's default", id="priority")
                    yield PlainStatic("", id="priority-error", classes="field-error")
            with Vertical(id="bottom"):
                with VerticalScroll(id="request-box"):
                    yield PlainStatic("", id="server-error").set_styles("display: none;")
                    yield PlainStatic("", id="request")
                with Horizontal(id="buttons"):
                    yield Button("Queue job", variant="primary", id="queue", disabled=True)
                    yield Button("Back", id="back")

    def on_mount(self) -> None:
        self._load_job_types()

    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#back")
    def _back(self) -> None:
        self.dismiss(None)

    # ---- workers ask the server and post what came back; the handlers draw

    class JobTypesLoaded(ScreenData):
        """Every active job type version (`found`), or `error`."""

        def __init__(self, found: list[JobType], error: ScaleError | None = None) -> None:
            super().__init__()
            self.found, self.error = found, error

    class JobTypeLoaded(ScreenData):
        """The job type `key`'s `details` (its manifest), or `error`."""

        def __init__(self, key: str, details: JobTypeDetails | None = None,
                     error: ScaleError | None = None) -> None:
            super().__init__()
            self.key, self.details, self.error = key, details, error

    class QueueAnswered(ScreenData):
        """The new job's id, or the server's refusal in words (`problem`)."""

        def __init__(self, job_id: int | None = None, problem: str = "") -> None:
            super().__init__()
            self.job_id, self.problem = job_id, problem

    @work(exclusive=True, group="job-types", exit_on_error=False)
    async def _load_job_types(self) -> None:
        found: list[JobType] = []
        try:
            page_number, more = 1, True
            while more and page_number <= _MAX_TYPE_PAGES:
                page = await self.client.list_job_types(is_active=True, page=page_number,
                                                        page_size=1000)
                found += page.results
                page_number, more = page_number + 1, bool(page.next)
        except ScaleError as exc:
            self.post_message(self.JobTypesLoaded([], exc))
            return
        self.post_message(self.JobTypesLoaded(found))

    def on_queue_job_screen_job_types_loaded(self, message: JobTypesLoaded) -> None:
        about = self.query_one("#about", Static)
        if message.error is not None:
            about.update(f"Could not load job types: {explain_error(message.error)}")
            return
        # Every active version of each type, newest first: an older version is still queued on
        # purpose (a reprocessing run pinned to it). Scale refuses (500) to queue an inactive
        # version; a paused one would only sit queued.
        self.job_types = newest_versions_first(
            [t for t in message.found if t.is_active is not False and not t.is_paused])
        options = self.query_one("#job-types", OptionList)
        options.add_options(
            Option(Content(display_text(f"{t.label}  {t.title or ''}".rstrip())), id=_key(t))
            for t in self.job_types
        )
        if not self.job_types:
            about.update("No active, unpaused job type on this server.")
            return
        about.update("Choose a job type (↑/↓, Enter).")
        options.focus()
        options.highlighted = 0

    @on(OptionList.OptionHighlighted, "#job-types")
    def _job_type_chosen(self, event: OptionList.OptionHighlighted) -> None:
        key = event.option.id
        if key is None or key == self.current:
            return
        self.current = key
        if key in self.details:
            self.call_later(self._show, key)
            return
        name, version = key.split("\x00")
        self.query_one("#about", Static).update(f"Loading {name} {version}…")
        self._load_job_type(key)

    @work(exclusive=True, group="job-type", exit_on_error=False)
    async def _load_job_type(self, key: str) -> None:
        name, version = key.split("\x00")
        try:
            details = await self.client.get_job_type(name, version)
        except ScaleError as exc:
            self.post_message(self.JobTypeLoaded(key, error=exc))
            return
        self.post_message(self.JobTypeLoaded(key, details))

    async def on_queue_job_screen_job_type_loaded(self, message: JobTypeLoaded) -> None:
        if message.details is not None:
            self.details[message.key] = message.details  # kept while the dialog is open
        if self.current != message.key:
            return  # the user moved on while this loaded
        if message.error is not None:
            name, version = message.key.split("\x00")
            self.query_one("#about", Static).update(
                f"Could not load {name} {version}: {explain_error(message.error)}")
            return
        await self._show(message.key)

    async def _show(self, key: str) -> None:
        """The manifest form of `key` (loaded), the others hidden and kept."""
        if self.current != key:
            return
        about = self.query_one("#about", Static)
        details = self.details[key]
        about.update(
            f"{details.label}: {details.title or ''}\n{details.description or ''}".rstrip()
        )
        for other_key, form in self.forms.items():
            form.display = other_key == key
        if key not in self.forms:
            self.forms[key] = ManifestForm(details.inputs)
            await self.query_one("#form-area").mount(self.forms[key], after=about)
        self._say("")
        self.query_one("#queue", Button).disabled = False
        self._preview()
        if self.focus_form_when_shown:
            self._focus_form(self.forms[key])

    @on(OptionList.OptionSelected, "#job-types")
    def _start_typing(self) -> None:
        form = self.forms.get(self.current or "")
        if form is None:
            self.focus_form_when_shown = True  # Enter came before the manifest arrived
            return
        self._focus_form(form)

    def _focus_form(self, form: ManifestForm) -> None:
        self.focus_form_when_shown = False
        inputs = form.query(Input)
        (inputs.first() if inputs else self.query_one("#priority", Input)).focus()

    @on(Input.Submitted)
    def _next_input(self, event: Input.Submitted) -> None:
        # Enter moves on like Tab; from the last field (priority) to the Queue button, which
        # Enter then presses: only the button sends.
        if event.input.id == "priority":
            self.query_one("#queue", Button).focus()
        else:
            self.focus_next(Input)

    @on(Input.Changed)
    def _preview(self) -> None:
        """Show the exact request as it stands, so what is sent is never a surprise."""
        request = self.query_one("#request", Static)
        form = self.forms.get(self.current or "")
        if form is None:
            request.update("")
            return
        data, errors = build_data(form.specs, form.texts())
        try:
            priority = parse_priority(self.query_one("#priority", Input).value)
        except ValueError as exc:
            errors[""] = str(exc)
        if errors:
            request.update(f"Not ready: {next(iter(errors.values()))}")
            return
        body = request_body(self.details[self.current], data, priority)
        request.update(f"Will send: POST /v6/jobs/ {json.dumps(body)}")

    @on(Button.Pressed, "#queue")
    def _queue(self) -> None:
        if self.current is None or self.current not in self.forms:
            return
        form = self.forms[self.current]
        data, errors = form.collect()
        priority_error = self.query_one("#priority-error", Static)
        try:
            priority = parse_priority(self.query_one("#priority", Input).value)
            priority_error.update("")
        except ValueError as exc:
            priority_error.update(str(exc))
            errors.append(str(exc))
        if errors or data is None:
            self._say("")  # each error is beside its input, and focus is on the first
            return
        self.query_one("#queue", Button).disabled = True
        self._say("Queueing…")
        self._send(self.details[self.current], data, priority)

    @work(exclusive=True, group="queue", exit_on_error=False)
    async def _send(self, job_type: JobTypeDetails, data: dict, priority: int | None) -> None:
        body = request_body(job_type, data, priority)
        try:
            job = await self.client.queue_job(
                body["job_type_id"], body["input"], body.get("configuration")
            )
        except BadRequest as exc:
            self.post_message(self.QueueAnswered(
                problem=f"The server rejected the job: {exc.detail}"))
        except ScaleError as exc:
            self.post_message(self.QueueAnswered(problem=explain_error(exc)))
        else:
            self.post_message(self.QueueAnswered(job.id))

    def on_queue_job_screen_queue_answered(self, message: QueueAnswered) -> None:
        if message.job_id is not None:
            self.dismiss(message.job_id)
            return
        self._say(message.problem)
        self.query_one("#queue", Button).disabled = False

    def _say(self, text: str) -> None:
        """The server's answer (or "Queueing…") above the request; no empty line when none."""
        server_error = self.query_one("#server-error", Static)
        server_error.update(text)
        server_error.display = bool(text)


def request_body(job_type: JobTypeDetails, data: dict, priority: int | None) -> dict:
    """What ``ScaleClient.queue_job`` sends for these values (shown before sending)."""
    body: dict = {"job_type_id": job_type.id, "input": data}
    if priority is not None:
        body["configuration"] = {"priority": priority}
    return body


def _key(job_type: JobType) -> str:
    return f"{job_type.name}\x00{job_type.version}"
