"""`?`: every key of the screen the user came from, with what it does and its keymap id.

Keys are grouped by where they apply, in words an operator uses ("Jobs table", "Scrolling"),
never by the widget class that holds them. Each of the console's own keys shows its binding id,
the name a profile's `keymap` remaps it by; Textual's built-in keys (cursor, scrolling, focus)
have none and are listed as fixed.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import ScrollableContainer, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.scroll_view import ScrollView
from textual.widgets import DataTable, Input, OptionList, Static, Tabs, TextArea

from scale_tui.widgets.guard import Guarded

FIXED = "fixed"
"""What help shows in place of an id for a key the keymap cannot change (Textual's own)."""
EVERYWHERE = "Everywhere"
# Textual's own descriptions, in the words of this console (they are terse or odd: "palette").
_DESCRIPTIONS = {
    "command_palette": "Command palette: every command, go to job N, log N, batch N",
    "app.focus_next": "Next field or panel",
    "app.focus_previous": "Previous field or panel",
    "screen.copy_text": "Copy the selected text",
    "scroll_home": "First row / top",
    "scroll_end": "Last row / end",
    "scroll_top": "Top",
    "scroll_bottom": "Bottom",
    "page_left": "Page left",
    "page_right": "Page right",
}
# Where a built-in widget's keys apply, said without its class name; first match wins.
_PLACES: tuple[tuple[type, str], ...] = (
    (DataTable, "Table"), (Input, "Text field"), (TextArea, "Text field"),
    (OptionList, "List"), (Tabs, "Tabs"), (ScrollView, "Scrolling"),
    (ScrollableContainer, "Scrolling"),
)


@dataclass(frozen=True)
class KeyHelp:
    keys: str
    """As the footer shows them: `?`, `ctrl+c`, `[`."""
    description: str
    binding_id: str
    """The keymap id (`jobs.refresh`), or `FIXED`."""


def place_of(node, screen: Screen) -> str:
    """The group a binding's owner stands for, in words."""
    if node is screen.app:
        return EVERYWHERE
    if node is screen:
        return screen_title(screen)
    if title := getattr(node, "HELP_TITLE", ""):
        return title
    for kind, words in _PLACES:
        if isinstance(node, kind):
            return words
    return screen_title(screen)


def screen_title(screen: Screen) -> str:
    return getattr(screen, "HELP_TITLE", "") or "This screen"


def describe_keys(screen: Screen) -> list[tuple[str, list[KeyHelp]]]:
    """[(group, [KeyHelp, ...]), ...] for every binding active on `screen`: the screen's own
    group first, `Everywhere` last. Keys doing the same thing in one group share a row."""
    app = screen.app
    groups: dict[str, dict[tuple[str, str], list[str]]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if key.startswith("super+"):
            continue  # macOS's copy shortcut: the terminal's, not ours
        action = binding.action
        if action in ("app.focus_next", "app.focus_previous"):
            group = EVERYWHERE  # bound on every screen alike
        else:
            group = place_of(active.node, screen)
        description = (_DESCRIPTIONS.get(action) if not binding.id else None) or \
            binding.description or action.replace("_", " ").capitalize()
        shown = app.get_key_display(Binding(key, action, description))
        row = (description, binding.id or FIXED)
        groups.setdefault(group, {}).setdefault(row, []).append(shown)
    first = screen_title(screen)
    ordered = sorted(groups, key=lambda g: (g != first, g == EVERYWHERE, g))
    return [(g, [KeyHelp(" ".join(keys), description, binding_id)
                 for (description, binding_id), keys in groups[g].items()])
            for g in ordered]


class HelpScreen(Guarded, ModalScreen):
    """Lists the keys of `target` and its notes (the screen's `HELP` text, with its legend)."""

    HELP_TITLE = "Help"
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 110; height: 90%;
        border: round $primary; background: $surface; padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,question_mark,q", "app.pop_screen", "Close help", id="help.close"),
    ]

    def __init__(self, target: Screen) -> None:
        super().__init__()
        self.target = target

    def compose(self) -> ComposeResult:
        with VerticalScroll() as scroll:
            scroll.border_title = f"Keys of {screen_title(self.target).lower()}"
            scroll.border_subtitle = "escape closes · ids: the names a profile's keymap remaps"
            yield Static(self._keys_table(), id="help-body")

    def _keys_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column(ratio=1)
        table.add_column(style="dim", no_wrap=True)
        for group, keys in describe_keys(self.target):
            table.add_row(Text(group, style="bold underline"), "", "")
            for key in keys:
                table.add_row(Text(key.keys), Text(key.description), Text(key.binding_id))
            table.add_row("", "", "")
        notes = getattr(self.target, "HELP", None)
        if notes:
            table.add_row(Text("Notes", style="bold underline"), "", "")
            table.add_row("", Text(notes.strip()), "")
        return table
