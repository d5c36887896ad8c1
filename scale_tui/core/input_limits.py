"""How much a typed input may hold, and how long typing must pause before it is acted on.

Issue 12: typing (not only pasting) 10,000 characters into the quick filter kept a core busy for
a minute, because every keystroke re-filtered and redrew the page with a longer text. Every
input whose change starts work is capped (Textual refuses a key or a paste past the cap) and the
work runs once the typing pauses, so the work per keystroke stays constant.
"""

from __future__ import annotations

QUICK_FILTER_MAX = 200
"""Characters in the jobs screen's quick filter (`/`): more than any job row shows."""
FIND_MAX = 256
"""Characters in the log view's find pattern (`/`): a regex longer than this is a mistake."""
FILTER_FIELD_MAX = 256
"""Characters in one field of the filter panel (job type, batch id, window ...)."""
TYPING_PAUSE = 0.15
"""Seconds of no typing before a typed filter is applied (Enter applies it at once)."""
