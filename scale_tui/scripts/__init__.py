"""`scale-tui jobs|job|log|cancel|requeue`: the console's rules for scripts. Never imports
textual or rich, so a script starts without loading the UI."""
