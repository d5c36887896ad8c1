"""Issue 10's rules for workers and the app <-> screen contract, read from the source: every
worker is started with `exit_on_error=False` (a failed one is reported by widgets/guard.py, never
ends the console), and no screen reads the app with `getattr` defaults (screens/host.py's
`ConsoleHost` is the contract)."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

CONSOLE = Path(__file__).resolve().parents[2] / "scale_tui"


@cache
def _trees() -> list[tuple[Path, list[ast.AST]]]:
    """Every module's nodes, parsed once for both tests."""
    return [(path.relative_to(CONSOLE.parent), list(ast.walk(ast.parse(path.read_text()))))
            for path in sorted(CONSOLE.rglob("*.py"))]


def _name(func: ast.expr) -> str | None:
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def test_every_worker_is_started_with_exit_on_error_false():
    starts, wrong = 0, []
    for path, nodes in _trees():
        for node in nodes:
            if isinstance(node, ast.Call) and _name(node.func) in ("run_worker", "work"):
                starts += 1
                value = {k.arg: k.value for k in node.keywords}.get("exit_on_error")
                if not (isinstance(value, ast.Constant) and value.value is False):
                    wrong.append(f"{path}:{node.lineno}")
            elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                wrong += [f"{path}:{d.lineno} (bare @work)" for d in node.decorator_list
                          if isinstance(d, ast.Name) and d.id == "work"]
    assert starts >= 10  # the scan sees the console's workers
    assert wrong == []


def test_no_screen_reads_the_app_through_getattr():
    found = []
    for path, nodes in _trees():
        for node in nodes:
            if isinstance(node, ast.Call) and _name(node.func) == "getattr" and node.args:
                target = ast.unparse(node.args[0])
                if target in ("app", "self.app", "screen.app"):
                    found.append(f"{path}:{node.lineno} getattr({target}, ...)")
    assert found == []
