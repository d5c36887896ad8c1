"""The jobs filters: a one-line summary, and a panel (toggled with `f`) to edit them.

The panel is compact enough for 80x24 and works from the keyboard alone (tab between fields,
space to tick a status, escape to close). Text fields apply after a short pause in typing;
a value that would not make a valid query is reported inline beside the form and nothing is
sent until it is fixed. The bar posts `FilterBar.Changed` with only the fields it edits, so the
screen merges them into its form and never loses the others (sort order, page).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, Horizontal, Vertical
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Input, Label, Select, SelectionList, Static

from scale_tui.api import ERROR_CATEGORIES, JOB_STATUSES, InvalidFilter
from scale_tui.core.filter_form import FilterForm, parse_ids, parse_window
from scale_tui.core.input_limits import FILTER_FIELD_MAX
from scale_tui.widgets.guard import Guarded
from scale_tui.widgets.styles import server_text

TYPING_PAUSE = 0.4  # seconds after the last keystroke before a text filter applies

_TEXT_FIELDS = {
    "window": ("Window", "all|1h|6h|24h|7d|PT30M|ISO/ISO"),
    "batch_id": ("Batch id", "e.g. 12, 13"),
    "recipe_id": ("Recipe id", "e.g. 40"),
    "source_sensor_class": ("Sensor class", ""),
    "source_sensor": ("Sensor", ""),
    "source_collection": ("Collection", ""),
    "source_task": ("Task", ""),
}
_SUPERSEDED = [("superseded: all", "all"), ("not superseded", "no"), ("superseded only", "yes")]


class FilterBar(Guarded, Vertical):
    """Edits the server-side filters of the jobs screen."""

    HELP_TITLE = "Filters"

    DEFAULT_CSS = """
    FilterBar { height: auto; }
    FilterBar #filter-summary { height: 1; padding: 0 1; color: $text-muted; }
    FilterBar #filter-panel { height: auto; display: none; padding: 0 1; }
    FilterBar.-open #filter-panel { display: block; }
    FilterBar #f-status { width: 18; height: 7; border: none; padding: 0; }
    FilterBar #f-grid {
        grid-size: 4; grid-columns: 13 1fr 13 1fr; grid-rows: 1; grid-gutter: 0 1;
        height: auto; padding: 0 0 0 1;
    }
    FilterBar #f-grid Label { color: $text-muted; }
    FilterBar #f-grid Input.-invalid { color: $error; text-style: bold; }
    FilterBar #filter-errors { height: auto; color: $error; padding: 0 1; display: none; }
    FilterBar #filter-errors.-shown { display: block; }
    """

    BINDINGS = [Binding("escape", "close", "Close filters", id="filters.close")]

    is_open = reactive(False)

    class Changed(Message):
        """Valid new values for some of the form's fields."""

        def __init__(self, values: dict[str, Any]) -> None:
            super().__init__()
            self.values = values

    class Closed(Message):
        """The panel closed; the screen takes the focus back."""

    def __init__(self, form: FilterForm, **kwargs) -> None:
        super().__init__(**kwargs)
        self.form = form  # as typed
        self._sent = form  # as the screen last heard it
        self._job_type_names: list[str] = []
        self._typing_timer = None
        self.errors: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield Static(id="filter-summary")
        yield Static(id="filter-errors")

    def _compose_panel(self) -> ComposeResult:
        """The editing panel, made when first opened: about forty widgets the first screen
        never shows, which composed at start delay the first job rows (docs/startup.md)."""
        with Horizontal(id="filter-panel"):
            yield SelectionList[str](
                *((s.title(), s, s in self.form.statuses) for s in JOB_STATUSES),
                id="f-status",
            )
            with Grid(id="f-grid"):
                yield Label("Job type")
                yield Select(self._type_options(), prompt="any job type", id="f-job_type_name",
                             compact=True, value=self.form.job_type_name or Select.NULL)
                yield from self._text_field("window")
                yield Label("Error")
                yield Select([(c.title(), c) for c in ERROR_CATEGORIES], prompt="any error",
                             id="f-error_category", compact=True,
                             value=self.form.error_category or Select.NULL)
                yield Label("Superseded")
                yield Select(_SUPERSEDED, allow_blank=False, id="f-superseded", compact=True,
                             value=self.form.superseded)
                for name in ("batch_id", "recipe_id", "source_sensor_class", "source_sensor",
                             "source_collection", "source_task"):
                    yield from self._text_field(name)

    @property
    def has_panel(self) -> bool:
        """Whether the editing panel exists yet (it is made when first opened)."""
        return bool(self.query_children("#filter-panel"))

    def _text_field(self, name: str) -> ComposeResult:
        label, placeholder = _TEXT_FIELDS[name]
        yield Label(label)
        yield Input(getattr(self.form, name), placeholder=placeholder, id=f"f-{name}",
                    compact=True, max_length=FILTER_FIELD_MAX)  # validated on every keystroke

    def _type_options(self) -> list[tuple[str, str]]:
        names = list(self._job_type_names)
        if self.form.job_type_name and self.form.job_type_name not in names:
            names.append(self.form.job_type_name)  # a saved choice stays, even if not listed
        # A job type name is server text: a Text prompt is drawn as written, never as markup.
        return [(server_text(name), name) for name in sorted(names)]

    # ---- what the screen calls

    def show_summary(self, text: str) -> None:
        self.query_one("#filter-summary", Static).update(server_text(text), layout=False)

    def set_job_type_names(self, names: list[str]) -> None:
        self._job_type_names = list(names)
        if not self.has_panel:
            return  # the panel is made with them
        select = self.query_one("#f-job_type_name", Select)
        with self.prevent(Select.Changed):
            select.set_options(self._type_options())
            if self.form.job_type_name:
                select.value = self.form.job_type_name

    def set_form(self, form: FilterForm) -> None:
        """Show `form` in the controls without posting `Changed` (a jump, a profile switch)."""
        self.form = self._sent = form
        self.errors.clear()
        if not self.has_panel:
            self._show_errors()
            return  # the panel is made from `self.form`
        with self.prevent(Input.Changed, Select.Changed, SelectionList.SelectedChanged):
            statuses = self.query_one("#f-status", SelectionList)
            statuses.deselect_all()
            for status in form.statuses:
                statuses.select(status)
            for name in _TEXT_FIELDS:
                self.query_one(f"#f-{name}", Input).value = getattr(form, name)
            type_select = self.query_one("#f-job_type_name", Select)
            type_select.set_options(self._type_options())
            type_select.value = form.job_type_name or Select.NULL
            category = self.query_one("#f-error_category", Select)
            category.value = form.error_category or Select.NULL
            self.query_one("#f-superseded", Select).value = form.superseded
        self._show_errors()

    def toggle(self) -> None:
        self.is_open = not self.is_open

    async def watch_is_open(self, is_open: bool) -> None:
        if is_open and not self.has_panel:
            with self.app.batch_update():
                await self.mount_compose(self._compose_panel(), before="#filter-errors")
        self.set_class(is_open, "-open")
        if is_open:
            self.query_one("#f-status", SelectionList).focus()

    def action_close(self) -> None:
        self.is_open = False
        self.post_message(self.Closed())

    # ---- control events

    def on_selection_list_selected_changed(self, event: SelectionList.SelectedChanged) -> None:
        event.stop()
        chosen = set(event.selection_list.selected)
        self._apply({"statuses": tuple(s for s in JOB_STATUSES if s in chosen)})

    def on_select_changed(self, event: Select.Changed) -> None:
        event.stop()
        name = (event.select.id or "").removeprefix("f-")
        value = "" if event.value == Select.NULL else str(event.value)
        self._apply({name: value})

    def on_input_changed(self, event: Input.Changed) -> None:
        event.stop()
        name = (event.input.id or "").removeprefix("f-")
        if event.value == getattr(self._sent, name, None) and name not in self.errors:
            # What the screen already has (a field just made shows it): valid, nothing to send.
            # No typing pause either: one started now could apply a value typed later without
            # its own pause.
            return
        self._validate(name, event.value)  # inline, at once; the query waits for a pause
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._typing_timer = self.set_timer(TYPING_PAUSE, self._apply_inputs)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if self._typing_timer is not None:
            self._typing_timer.stop()
        self._apply_inputs()

    def _apply_inputs(self) -> None:
        self._apply({name: self.query_one(f"#f-{name}", Input).value for name in _TEXT_FIELDS})

    def _apply(self, values: dict[str, Any]) -> None:
        for name, value in values.items():
            if name in _TEXT_FIELDS:
                self._validate(name, value)
        # Keep what was typed (nothing is lost) but send nothing while any field is bad; once it
        # is fixed, everything held back goes out together.
        self.form = self.form.with_changes(**values)
        if self.errors:
            return
        changed = {name: value for name, value in self.form.to_dict().items()
                   if value != self._sent.to_dict()[name] and name != "order"}
        if "statuses" in changed:
            changed["statuses"] = self.form.statuses
        self._sent = self.form
        if changed:
            self.post_message(self.Changed(changed))

    def _validate(self, name: str, value: str) -> None:
        try:
            if name == "window":
                parse_window(value)
            elif name in ("batch_id", "recipe_id"):
                parse_ids(value, _TEXT_FIELDS[name][0].lower())
        except InvalidFilter as exc:
            self.errors[name] = str(exc)
        else:
            self.errors.pop(name, None)
        self._show_errors()

    def _show_errors(self) -> None:
        for name in _TEXT_FIELDS if self.has_panel else ():
            self.query_one(f"#f-{name}", Input).set_class(name in self.errors, "-invalid")
        box = self.query_one("#filter-errors", Static)
        lines = [f"✗ {_TEXT_FIELDS[n][0]}: {m}" for n, m in self.errors.items()]
        if lines:
            lines[-1] += "  (not applied; f to edit)"
        box.update(Text("\n".join(lines)))  # messages quote what was typed: never markup
        box.set_class(bool(self.errors), "-shown")
