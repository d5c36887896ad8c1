"""The confirmation of a cancel or requeue: pick the scope, see what it touches, then send.

Everything shown comes from ``scale_tui.core.action_plan.Plan``, and the requests sent are that
plan's and nothing else. A request with no filter at all needs the word ``every`` typed, and
then no button is focused by default. Counting happens when the dialog opens and again on
confirm: if more jobs match by then, the dialog shows the new numbers and asks again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, tzinfo

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.screen import ModalScreen
from textual.widgets import Button, Input, Label, RadioButton, RadioSet, Static

from scale_tui.api import InvalidFilter, ScaleClient, ScaleError
from scale_tui.core.action_plan import (
    CONFIRM_WORD,
    ActionContext,
    Kind,
    Plan,
    Scope,
    accepted_summary,
    affected,
    count_statuses,
    default_scope,
    effect_lines,
    explain_error,
    parse_priority,
    plan_action,
    scope_choices,
    send_requests,
)
from scale_tui.core.sanitize import display_text
from scale_tui.screens.host import ServerBound
from scale_tui.widgets.guard import Guarded, ScreenData
from scale_tui.widgets.styles import PlainStatic


@dataclass(frozen=True)
class Accepted:
    """What the dialog returns once the server accepted every request of the plan."""

    summary: str
    plan: Plan
    tally: dict[str, int]
    client: ScaleClient
    """The server that accepted it (the dialog's: `ServerBound`)."""


ASYNC_NOTE = "Scale applies this after accepting it; the list shows the result as it refreshes."


class ConfirmAction(ServerBound, Guarded, ModalScreen[Accepted | None]):
    DEFAULT_CSS = """
    ConfirmAction { align: center middle; }
    ConfirmAction #dialog {
        width: 100; max-width: 95%; height: auto; max-height: 100%;
        border: thick $error; background: $surface; padding: 0 1;
    }
    ConfirmAction.requeue #dialog { border: thick $warning; }
    ConfirmAction #title { dock: top; text-style: bold; }
    ConfirmAction #bottom { dock: bottom; height: auto; }
    ConfirmAction RadioSet { width: 100%; border: none; }
    ConfirmAction .problem { color: $text-muted; padding-left: 2; }
    ConfirmAction #counts { margin-top: 1; text-style: bold; }
    ConfirmAction #request-box { height: auto; max-height: 5; border-top: solid $primary; }
    ConfirmAction #request { color: $text-muted; }
    ConfirmAction #error { color: $error; height: auto; }
    ConfirmAction #typed-row, ConfirmAction #priority-row { height: auto; }
    ConfirmAction #typed-label { color: $error; text-style: bold; }
    ConfirmAction #buttons { height: auto; align-horizontal: right; }
    ConfirmAction Button { margin-left: 2; }
    """
    BINDINGS = [
        Binding("escape", "back", "Back", id="confirm.back"),
        *(Binding(str(n), f"scope({n - 1})", f"Scope {n}", show=False, id=f"confirm.scope{n}")
          for n in range(1, 10)),
    ]
    AUTO_FOCUS = "#back"  # Enter presses the focused button only; confirm is focused when ready

    def __init__(self, kind: Kind, ctx: ActionContext, client: ScaleClient | None = None,
                 tz: tzinfo = UTC) -> None:
        super().__init__(classes=kind)
        self.kind = kind
        self.ctx = ctx
        self._client = client
        self.tz = tz  # the operator's zone: the filter's times are described in it
        self.choices = scope_choices(kind, ctx, tz)
        self.scope = default_scope(self.choices)
        self.plan: Plan | None = None
        self.tally: dict[str, int] | None = None
        self.count_failed = False  # counting failed: the ids in the body still say what it hits
        self.sent = 0  # requests of the plan already accepted (a retry sends only the rest)
        self._focus_given = False  # the confirm button took the focus once, when first ready
        self.generation = 0  # of the plan being counted: a count for an older one is dropped


    def compose(self) -> ComposeResult:
        verb = "Cancel" if self.kind == "cancel" else "Requeue"
        keys = "/".join(str(n) for n in range(1, len(self.choices) + 1))
        with VerticalScroll(id="dialog"):
            yield PlainStatic(f"{verb} jobs", id="title")
            with Vertical(id="bottom"):
                with VerticalScroll(id="request-box"):
                    yield PlainStatic("", id="request")
                with Vertical(id="typed-row"):
                    yield PlainStatic("", id="typed-label")
                    yield Input(placeholder=CONFIRM_WORD, id="typed", compact=True)
                yield PlainStatic("", id="error")
                with Horizontal(id="buttons"):
                    yield Button(f"{verb} jobs", variant="error", id="confirm", disabled=True)
                    yield Button("Back", id="back")
            yield Label(f"Which jobs (press {keys}):")
            scope = RadioSet(id="scope")
            scope.can_focus = False  # keys 1-9 pick the scope; Enter never moves it
            with scope:
                for number, choice in enumerate(self.choices, 1):
                    yield RadioButton(
                        Content(display_text(f"{number}  {choice.label}")),
                        value=choice.scope == self.scope,
                        disabled=not choice.usable,
                        name=choice.scope.value,
                    )
            for choice in self.choices:
                if not choice.usable:
                    text = f"not possible: {choice.label}: {choice.problem}"
                    yield PlainStatic(text, classes="problem")
            yield PlainStatic("", id="counts")
            yield PlainStatic("", id="effect")
            if self.kind == "requeue":
                with Vertical(id="priority-row"):
                    yield Label("Priority (optional; a whole number, 1 or more; lower runs first):")
                    yield Input(placeholder="keep each job's priority", id="priority",
                                compact=True)

    def on_mount(self) -> None:
        self._replan()

    # -- what the user changes ---------------------------------------------------------------

    @on(RadioSet.Changed, "#scope")
    def _scope_changed(self, event: RadioSet.Changed) -> None:
        self.scope = Scope(event.pressed.name)
        self._replan()

    @on(Input.Changed, "#priority")
    def _priority_changed(self) -> None:
        self._replan(recount=False)

    @on(Input.Changed, "#typed")
    def _typed_changed(self) -> None:
        self._update_confirm()

    def action_scope(self, index: int) -> None:
        """Key N picks the Nth scope shown (never while sending: the plan is fixed then)."""
        radio_set = self.query_one("#scope", RadioSet)
        buttons = list(radio_set.query(RadioButton))
        if radio_set.disabled or not 0 <= index < len(buttons):
            return
        choice = self.choices[index]
        if not choice.usable:
            self.notify(f"Not possible: {choice.problem}", severity="warning")
            return
        buttons[index].value = True

    @on(Input.Submitted)
    def _input_submitted(self, event: Input.Submitted) -> None:
        # Enter in a field sends nothing: it moves to the confirm button, which Enter presses.
        event.stop()
        confirm = self.query_one("#confirm", Button)
        if not confirm.disabled:
            confirm.focus()

    @on(Button.Pressed, "#back")
    def action_back(self) -> None:
        self.dismiss(None)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        if self.plan is not None and self._ready():
            self.query_one("#confirm", Button).disabled = True
            self.query_one("#scope", RadioSet).disabled = True  # the plan is fixed from here on
            self._send(self.plan, sum((self.tally or {}).values()))

    # -- plan, counts, text --------------------------------------------------------------------

    def _priority(self) -> int | None:
        if self.kind != "requeue":
            return None
        return parse_priority(self.query_one("#priority", Input).value)

    def _replan(self, recount: bool = True) -> None:
        error = ""
        self.plan = None
        try:
            if self.scope is None:
                raise InvalidFilter(f"nothing to {self.kind}: no job under the cursor or marked")
            self.plan = plan_action(self.kind, self.ctx, self.scope, self._priority(), self.tz)
        except ValueError as exc:  # InvalidFilter is a ValueError, and so is a bad priority
            error = str(exc)
        self.query_one("#error", Static).update(error)
        self.query_one("#request", Static).update(
            "Will send:\n" + self.plan.request_text() if self.plan else ""
        )
        every = self.plan is not None and self.plan.touches_every_job
        self.query_one("#typed-row").display = every
        self.query_one("#typed-label", Static).update(
            "This request has no filter: on a real Scale it selects EVERY job on the server. "
            f"Type {CONFIRM_WORD} to confirm."
            if every
            else ""
        )
        if recount:
            self.tally, self.count_failed = None, False
            self.query_one("#counts", Static).update("Counting the jobs this selects…")
            self.query_one("#effect", Static).update("")
            self.generation += 1
            if self.plan is not None:
                self._count(self.plan, self.generation)
        if every:
            self.query_one("#typed", Input).focus()
        self._update_confirm()

    def _ready(self) -> bool:
        if self.plan is None or self.tally is None:
            return False
        if not self.count_failed and not affected(self.kind, self.tally):
            return False  # nothing would change: sending would only confuse the log
        if self.plan.touches_every_job:
            return self.query_one("#typed", Input).value.strip() == CONFIRM_WORD
        return True

    def _update_confirm(self) -> None:
        confirm = self.query_one("#confirm", Button)
        confirm.disabled = not self._ready()
        # Ready and nothing chosen yet: the confirm button takes the focus, so Enter sends
        # exactly what is shown. Never when every job would be hit (the typed word decides).
        # Only once, and only if the user has not moved the focus themselves.
        back = self.query_one("#back", Button)
        untouched = self.focused is None or (self.focused is back and not self._focus_given)
        if not confirm.disabled and untouched and not self._every():
            self._focus_given = True
            confirm.focus()

    def _every(self) -> bool:
        return self.plan is not None and self.plan.touches_every_job

    class Counted(ScreenData):
        """The count of plan number `generation` (`tally`, or `error`)."""

        def __init__(self, generation: int, plan: Plan, tally: dict[str, int] | None = None,
                     error: ScaleError | None = None) -> None:
            super().__init__()
            self.generation, self.plan, self.tally, self.error = generation, plan, tally, error

    # Not exclusive: a count for a plan replaced meanwhile runs out, and its message is dropped
    # by the generation it carries, the one rule for which count the dialog shows.
    @work(group="count", exit_on_error=False)
    async def _count(self, plan: Plan, generation: int) -> None:
        try:
            tally = await count_statuses(self.client, plan)
        except ScaleError as exc:
            self.post_message(self.Counted(generation, plan, error=exc))
        else:
            self.post_message(self.Counted(generation, plan, tally))

    def on_confirm_action_counted(self, message: Counted) -> None:
        if message.generation != self.generation:
            return  # the count of a scope no longer on screen
        if message.error is not None:
            self.query_one("#counts", Static).update(
                f"Could not count the jobs: {explain_error(message.error)}"
            )
            self.tally, self.count_failed = {}, True
        else:
            self._show_tally(message.plan, message.tally or {})
        self._update_confirm()

    def _show_tally(self, plan: Plan, tally: dict[str, int]) -> None:
        self.tally = tally
        total = sum(tally.values())
        line = f"{plan.target[:1].upper()}{plan.target[1:]}: {total} matching right now"
        listed = self.ctx.matching
        if plan.scope in (Scope.FILTER, Scope.EACH_STATUS) and listed not in (None, total):
            line += f" (the list showed {listed})"
        self.query_one("#counts", Static).update(line + ".")
        effect = [*effect_lines(self.kind, tally), ASYNC_NOTE]
        verb = "Cancel" if self.kind == "cancel" else "Requeue"
        count = affected(self.kind, tally)
        self.query_one("#confirm", Button).label = f"{verb} {count} job{'' if count == 1 else 's'}"
        self.query_one("#effect", Static).update("\n".join(effect))

    # -- sending -------------------------------------------------------------------------------

    class SendStopped(ScreenData):
        """Nothing more sent: more jobs match now (`tally`, than `shown`), or `error` (after
        `sent` requests were accepted)."""

        def __init__(self, plan: Plan, *, sent: int = 0, tally: dict[str, int] | None = None,
                     shown: int = 0, error: ScaleError | None = None) -> None:
            super().__init__()
            self.plan, self.sent, self.tally, self.shown, self.error = (plan, sent, tally,
                                                                         shown, error)

    class SendDone(ScreenData):
        """Every request of `plan` accepted; `tally` the last count."""

        def __init__(self, plan: Plan, tally: dict[str, int] | None) -> None:
            super().__init__()
            self.plan, self.tally = plan, tally

    @work(exclusive=True, group="send", exit_on_error=False)
    async def _send(self, plan: Plan, shown: int) -> None:
        """Recount (a filter), then the plan's requests from the first not yet accepted; the
        outcome is posted (the worker touches no widget)."""
        tally = self.tally
        try:
            if self.sent == 0 and plan.scope in (Scope.FILTER, Scope.EACH_STATUS):
                tally = await count_statuses(self.client, plan)
                if sum(tally.values()) > shown:
                    self.post_message(self.SendStopped(plan, tally=tally, shown=shown))
                    return
            async for accepted in send_requests(self.client, plan, self.sent):
                self.sent = accepted
        except ScaleError as exc:
            self.post_message(self.SendStopped(plan, sent=self.sent, tally=tally, error=exc))
            return
        self.post_message(self.SendDone(plan, tally))

    def on_confirm_action_send_stopped(self, message: SendStopped) -> None:
        plan, error = message.plan, self.query_one("#error", Static)
        if message.error is None:
            tally = message.tally or {}
            self._show_tally(plan, tally)
            error.update(
                f"More jobs match now than when this opened ({message.shown} → "
                f"{sum(tally.values())}). Check the numbers above and confirm again."
            )
            self.query_one("#scope", RadioSet).disabled = False
        else:
            self.tally = message.tally
            done = (f" ({message.sent} of {len(plan.filters)} requests were accepted)"
                    if message.sent else "")
            error.update(explain_error(message.error) + done)
            if not message.sent:
                self.query_one("#scope", RadioSet).disabled = False
        self._update_confirm()

    def on_confirm_action_send_done(self, message: SendDone) -> None:
        self.tally = message.tally
        self._update_confirm()
        total = sum(self.tally.values()) if self.tally is not None else None
        self.dismiss(Accepted(accepted_summary(message.plan, total), message.plan,
                              self.tally or {}, self.client))
