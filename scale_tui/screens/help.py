"""`?`: every key of the screen the user came from, grouped by where it applies."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from scale_tui.screens.guard import Guarded

# Textual's own screen keys (focus moves): the same on every screen, so not this screen's first.
_EVERYWHERE = frozenset({"app.focus_next", "app.focus_previous"})


def describe_keys(screen: Screen) -> list[tuple[str, list[tuple[str, str]]]]:
    """[(group, [(keys, description), ...]), ...] for the bindings active on `screen`."""
    app = screen.app
    groups: dict[str, dict[str, list[str]]] = {}
    for key, active in screen.active_bindings.items():
        binding = active.binding
        if not binding.description or key.startswith("super+"):
            continue
        node = active.node
        if node is app or binding.action in _EVERYWHERE:
            group = "Everywhere"
        elif node is screen:
            group = getattr(screen, "HELP_TITLE", "") or "This screen"
        else:
            group = getattr(node, "HELP_TITLE", "") or type(node).__name__
        shown = app.get_key_display(Binding(key, binding.action, binding.description))
        groups.setdefault(group, {}).setdefault(binding.description, []).append(shown)
    order = [getattr(screen, "HELP_TITLE", "") or "This screen"]
    ordered = sorted(groups, key=lambda g: (g not in order, g == "Everywhere", g))
    return [(g, [(" ".join(keys), d) for d, keys in groups[g].items()]) for g in ordered]


class HelpScreen(Guarded, ModalScreen):
    """Lists the keys of `target` and its notes (the screen's `HELP` text)."""

    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll {
        width: 90%; max-width: 100; height: 90%;
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
            scroll.border_title = f"Keys: {getattr(self.target, 'HELP_TITLE', '') or 'help'}"
            scroll.border_subtitle = "escape closes"
            yield Static(self._keys_table(), id="help-body")

    def _keys_table(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for group, keys in describe_keys(self.target):
            table.add_row(Text(group, style="bold underline"), "")
            for shown, description in keys:
                table.add_row(shown, description)
            table.add_row("", "")
        notes = getattr(self.target, "HELP", None)
        if notes:
            table.add_row(Text("Notes", style="bold underline"), "")
            table.add_row("", Text(notes.strip()))
        return table
