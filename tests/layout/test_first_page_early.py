"""Issue 15: the console sends its first page request while the UI is still importing
(core/first_page.py, started by cli.py before it imports scale_tui.app), and imports no screen
but the jobs screen at start (the others when first opened: docs/startup.md). Not timed: the
test records the order of events in a real `scale-tui --url …` start."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

# Runs the real command line; records when scale_tui.app (and so textual) starts and finishes
# importing, and when the first /v6/jobs/ request reaches httpx's transport. The app is built
# but not run (no terminal here).
RECORD = r"""
import gc, importlib.util, sys
events = []

class Spy:
    def find_spec(self, name, path=None, target=None):
        if name == "scale_tui.core.config":  # imported by the cli module itself
            events.append(("collector on during the cli's imports", gc.isenabled()))
            return None
        if name != "scale_tui.app":
            return None
        sys.meta_path.remove(self)
        spec = importlib.util.find_spec(name)
        real_exec = spec.loader.exec_module
        def exec_module(module):
            events.append(("ui import starts", "textual.app" in sys.modules))
            events.append(("collector on during the ui import", gc.isenabled()))
            real_exec(module)
            events.append(("ui imported", "textual.app" in sys.modules))
            module.ScaleApp.run = lambda self, *a, **k: None
        spec.loader.exec_module = exec_module
        return spec

sys.meta_path.insert(0, Spy())
import httpx
# The first page goes through httpx's sync transport (api/http.py BlockingTransport), any
# other request through its async one: either records the first page.
real_send, real_async_send = httpx.HTTPTransport.handle_request, \
    httpx.AsyncHTTPTransport.handle_async_request
def send(self, request):
    if request.url.path == "/v6/jobs/":
        events.append(("first page sent", "textual.app" in sys.modules))
    return real_send(self, request)
async def async_send(self, request):
    if request.url.path == "/v6/jobs/":
        events.append(("first page sent", "textual.app" in sys.modules))
    return await real_async_send(self, request)
httpx.HTTPTransport.handle_request = send
httpx.AsyncHTTPTransport.handle_async_request = async_send

from scale_tui.cli import main
events.append(("collector on after the cli import", gc.isenabled()))
events.append(("what the cli imported is frozen", gc.get_freeze_count() > 10_000))
main(sys.argv[1:])
events.append(("collector on after start", gc.isenabled()))
events.append(("anyio's asyncio backend imported", "anyio._backends._asyncio" in sys.modules))
for name, textual_loaded in events:
    print(name, textual_loaded)
print("modules", " ".join(sorted(m for m in sys.modules if m.startswith("scale_tui."))))
"""

# Opened from the jobs screen, never needed to draw it: imported when first opened.
NOT_AT_START = {"scale_tui.screens." + name for name in (
    "job_details", "execution_details", "log", "triage", "fleet", "help", "palette", "profiles",
    "confirm_action", "queue_job", "save_log", "action_flow")} | {"scale_tui.core.action_plan"}


@pytest.fixture(scope="module")
def started(tmp_path_factory):
    """One real start, shared by the tests below (a process start is the slow part)."""
    tmp_path = tmp_path_factory.mktemp("start")
    env = {**os.environ, "SCALE_TUI_CONFIG_DIR": str(tmp_path), "SCALE_TUI_STATE_DIR":
           str(tmp_path), "SCALE_TUI_DATA_DIR": str(tmp_path), "HOME": str(tmp_path),
           "PYTHONPATH": ":".join(sys.path)}
    done = subprocess.run([sys.executable, "-c", RECORD, "--url", "http://127.0.0.1:9",
                           "--log-file", str(tmp_path / "log")],
                          capture_output=True, text=True, timeout=60, env=env)
    assert done.returncode == 0, done.stderr
    return done


def test_the_first_page_is_asked_before_the_ui_has_imported(started):
    done = started
    events = [line.rsplit(" ", 1)[0] for line in done.stdout.splitlines()
              if not line.startswith("modules ")]
    assert "first page sent" in events, done.stdout
    assert events.index("ui import starts") < events.index("ui imported")
    # sent (from the cli's thread) before the UI finished importing: it travels meanwhile
    assert events.index("first page sent") < events.index("ui imported"), done.stdout
    assert "ui import starts False" in done.stdout.splitlines()  # textual came with the UI


def test_only_the_jobs_screen_is_imported_at_start(started):
    modules = next(line.split()[1:] for line in started.stdout.splitlines()
                   if line.startswith("modules "))
    assert "scale_tui.screens.jobs" in modules  # the app was imported as the console does
    assert NOT_AT_START.isdisjoint(modules), sorted(NOT_AT_START.intersection(modules))


def test_no_garbage_collection_while_the_ui_imports_and_on_again_after(started):
    lines = started.stdout.splitlines()
    assert "collector on during the cli's imports False" in lines  # off from the very start
    assert "collector on after the cli import True" in lines  # an importer gets it back
    # and the collector's first passes do not walk what the imports made (~100 ms of a script)
    assert "what the cli imported is frozen True" in lines
    assert "collector on during the ui import False" in lines  # off: ~40 ms of CPU saved
    assert "collector on after start True" in lines  # and on again for the running console


def test_the_first_page_does_not_import_anyios_backend(started):
    # httpx's async transport would import it for its pool's locks, in the first page's thread,
    # beside the UI import (~50-100 ms of CPU under the GIL): the console's own client loads
    # it later, after the first frame (api/http.py BlockingTransport).
    assert "anyio's asyncio backend imported False" in started.stdout.splitlines(), \
        started.stdout
