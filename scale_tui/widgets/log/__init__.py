"""The log view: a Line-API widget over `scale_tui.core.log_buffer`, its rows and its find bar."""
