"""The console's plain logic: configuration, filters, formatting, log buffer and search, action
plans, refresh policy. Never imports textual or rich, so it is tested (and used by the scripts)
without a terminal."""
