"""The key bar at the bottom of every console screen, fitted to the terminal's width.

Textual's footer lists the keys in binding order (the focused widget's first, the app's `?
Help` last), so on a narrow terminal help is the first to fall off. Below `COMPACT_BELOW`
columns the keys sit closer together and the palette hint (ctrl+p, also listed in help) goes,
which keeps every shown key, `? Help` included, on an 80-column line.

Textual's footer rebuilds all its keys whenever the screen's bindings may have changed (every
focus change, mount and unmount); at start that was three rebuilds of the same keys while the
first job rows waited to be drawn (docs/startup.md). This one rebuilds only when the keys it
would show differ from the ones it shows, and makes each key in the footer's own style (Textual
makes it compact, then restyles it to the footer's style once mounted: two restyles per key).
"""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer
from textual.widgets._footer import FooterKey  # textual>=8.2,<9 (pyproject.toml)

from scale_tui.widgets.guard import Guarded

COMPACT_BELOW = 120


class ConsoleFooter(Guarded, Footer):
    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self._drawn: tuple | None = None  # the keys drawn, or scheduled to be (`_keys`)

    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < COMPACT_BELOW
        self.compact = narrow
        self.show_command_palette = not narrow

    def _keys(self, screen: Screen) -> tuple:
        """Everything `Footer.compose` draws from: the screen's bindings as they would be drawn
        (shown or not: the palette's key is drawn from a hidden one), and the footer's style."""
        get_key_display = self.app.get_key_display
        keys = tuple((key, binding.key, get_key_display(binding), binding.description,
                      binding.action, binding.group, binding.show, enabled, tooltip)
                     for key, (_node, binding, enabled, tooltip)
                     in screen.active_bindings.items())
        return keys, self.show_command_palette, self.compact

    def compose(self) -> ComposeResult:
        self._drawn = self._keys(self.screen) if self._bindings_ready else None
        compact = self.compact
        for widget in super().compose():
            if isinstance(widget, FooterKey) and not widget.has_class("-command-palette"):
                # Born in the footer's style: no watcher runs at mount, and the binding to the
                # footer's `compact` then finds nothing to change. (Textual binds every key but
                # the palette's, which stays compact.)
                widget.set_reactive(FooterKey.compact, compact)
                widget.set_class(compact, "-compact", update=False)
            yield widget

    def bindings_changed(self, screen: Screen) -> None:
        keys = self._keys(screen)
        if self._bindings_ready and screen is self.screen and keys == self._drawn:
            return  # these keys are drawn, or about to be: nothing to rebuild
        super().bindings_changed(screen)
        if screen.app.app_focus and self.is_attached and screen is self.screen:
            self._drawn = keys  # Footer scheduled a rebuild, which draws these
