"""`scale-tui jobs` is a script: it must start, and work, on a machine where textual and rich
cannot even be imported (a minimal install, or a broken one)."""

from __future__ import annotations

import json
import subprocess
import sys

# Runs the real command line with an import hook that refuses textual and rich.
BLOCK_UI = """
import sys
class NoUI:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("textual", "rich"):
            raise ImportError(f"{name} is blocked in this test")
sys.meta_path.insert(0, NoUI())
from scale_tui.cli import main
code = main(sys.argv[1:])
loaded = sorted(m for m in sys.modules if m.split(".")[0] in ("textual", "rich"))
assert not loaded, loaded
sys.exit(code)
"""


def run(*argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", BLOCK_UI, *argv], capture_output=True,
                          text=True, timeout=60)


def test_jobs_help_runs_without_textual():
    done = run("jobs", "--help")
    assert done.returncode == 0, done.stderr
    assert "--status" in done.stdout


def test_jobs_lists_jobs_without_textual(stub_url, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", BLOCK_UI, "--url", stub_url, "jobs", "--output", "json"],
        capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
             "PYTHONPATH": ":".join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["count"] > 0


def test_the_block_really_blocks():
    done = subprocess.run([sys.executable, "-c", BLOCK_UI.replace("from scale_tui.cli import main",
                           "import textual")], capture_output=True, text=True, timeout=60)
    assert done.returncode != 0 and "blocked in this test" in done.stderr


# With rich installed (it is, for the console), httpx would import its own CLI (click, rich,
# pygments) as a side effect; scale_tui/api/no_httpx_cli.py stops that for scripts and console.
CONSOLE_ONLY = ("textual", "rich", "click", "pygments", "httpx._main", "scale_tui.app",
                "scale_tui.screens", "scale_tui.widgets", "server_stub")
LOADED_BY_CLI = f"""
import importlib.util, sys
assert importlib.util.find_spec("rich") is not None  # the check below means something
import scale_tui.cli, httpx
loaded = [m for m in {CONSOLE_ONLY!r} if sys.modules.get(m) is not None]
print(",".join(loaded))
print(callable(httpx.main), httpx.Client.__name__)
"""


def test_the_cli_imports_nothing_only_the_console_needs():
    done = subprocess.run([sys.executable, "-c", LOADED_BY_CLI], capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    loaded, httpx_ok = done.stdout.splitlines()
    assert loaded == ""
    assert httpx_ok == "True Client"  # httpx took its own fallback and works


# What `scale-tui jobs` must not import although it is installed (issue 15: a script starts in a
# fraction of the console's time): the UI, and the modules only other commands or the console
# use. tomllib too when there is no config file to read. No pydantic at all: the payloads,
# the filter and the JSON parser are msgspec and plain Python. No anyio backend: `jobs` sends
# one request at a time, through httpx's sync transport (api/http.py BlockingTransport).
NOT_FOR_JOBS = (*CONSOLE_ONLY, "pydantic", "pydantic_core", "pydantic_settings",
                "anyio._backends._asyncio", "logging.handlers", "tomllib",
                "scale_tui.core.triage", "scale_tui.core.action_plan", "scale_tui.core.fleet",
                "scale_tui.core.first_page", "scale_tui.core.log_file")
RUN_JOBS = f"""
import importlib.util, sys
assert all(importlib.util.find_spec(m) for m in ("rich", "textual"))  # importable, yet unused
from scale_tui.cli import main
code = main(sys.argv[1:])
loaded = [m for m in {NOT_FOR_JOBS!r} if sys.modules.get(m) is not None]
print("loaded:", ",".join(loaded), file=sys.stderr)
sys.exit(code)
"""


def test_jobs_imports_neither_rich_nor_textual_nor_other_commands_modules(stub_url, tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", RUN_JOBS, "jobs", "--url", stub_url, "--output", "json"],
        capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "XDG_CONFIG_HOME": str(tmp_path),
             "PYTHONPATH": ":".join(sys.path)})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["count"] > 0
    assert done.stderr.strip() == "loaded:", done.stderr


# The payload models, the client, the filter and the JSON parser read with msgspec and plain
# Python (issue 15): no module of the API imports pydantic. An import hook notes which
# scale_tui module asks for it, so a failure names the culprit.
WHO_IMPORTS_PYDANTIC = """
import sys
askers = set()
class Note:
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in ("pydantic", "pydantic_core"):
            frame = sys._getframe(1)
            while frame and not frame.f_globals.get("__name__", "").startswith("scale_tui"):
                frame = frame.f_back
            askers.add(frame.f_globals["__name__"] if frame else "?")
sys.meta_path.insert(0, Note())
import scale_tui.api, scale_tui.api.client, scale_tui.api.detail_models
import scale_tui.api.job_type_models
print(",".join(sorted(askers)))
print("pydantic" in sys.modules)
"""


def test_no_module_of_the_api_imports_pydantic():
    done = subprocess.run([sys.executable, "-c", WHO_IMPORTS_PYDANTIC], capture_output=True,
                          text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    askers, loaded = done.stdout.splitlines()
    assert askers == "" and loaded == "False", askers
