"""Execution log screen. PLACEHOLDER until issue 5 lands (contract in docs/architecture.md)."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer, Static


class LogScreen(Screen):
    BINDINGS = [("escape", "app.pop_screen", "Back")]

    def __init__(
        self, execution_id: int, *, job_id: int | None = None, exe_num: int | None = None,
        title: str = "",
    ) -> None:
        super().__init__()
        self.execution_id = execution_id
        self.job_id = job_id
        self.exe_num = exe_num
        self.log_title = title

    def compose(self) -> ComposeResult:
        yield Static(f"Log of execution {self.execution_id}: not available yet")
        yield Footer()
