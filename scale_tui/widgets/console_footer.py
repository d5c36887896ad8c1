"""The key bar at the bottom of every console screen, fitted to the terminal's width.

Textual's footer lists the keys in binding order (the focused widget's first, the app's `?
Help` last), so on a narrow terminal help is the first to fall off. Below `COMPACT_BELOW`
columns the keys sit closer together and the palette hint (ctrl+p, also listed in help) goes,
which keeps every shown key, `? Help` included, on an 80-column line.
"""

from __future__ import annotations

from textual import events
from textual.widgets import Footer

COMPACT_BELOW = 120


class ConsoleFooter(Footer):
    def on_resize(self, event: events.Resize) -> None:
        narrow = event.size.width < COMPACT_BELOW
        self.compact = narrow
        self.show_command_palette = not narrow
