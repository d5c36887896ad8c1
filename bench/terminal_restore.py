"""Is the terminal restored when the console quits after a resize? (issue 17 point 1)

Runs `scale-tui` in a real terminal (a detached tmux pane), against a server that is not there
(the console opens anyway), prints a marker line before it, resizes the window while the console
runs, quits with `q` or ctrl+c, and reads the pane: the marker and the shell's output must be
back, and no line of the console's last frame may be left painted. Textual draws on the
alternate screen (`ESC[?1049h` on start, `ESC[?1049l` on exit), which is what gives the shell
its screen back at any size.

    python bench/terminal_restore.py          # every case; exit 1 on the first failure

Needs tmux (`apt-get install tmux`). A script, not a test: it waits on a real terminal.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SOCKET = f"scale-tui-restore-{os.getpid()}"
MARKER = "before-the-console-42"  # printed as before-the-console-$((40+2)): the typed command
# line itself never contains the marker, nor a line reading EXIT=<digits>
CONSOLE_LINE = "Filter: every job"  # on the console's every frame, never in the shell
CASES = [  # (start size, resize to, quit keys)
    ((120, 40), (160, 50), "q"),
    ((120, 40), (160, 50), "C-c"),
    ((160, 50), (80, 24), "q"),
    ((80, 24), (200, 60), "q"),
    ((80, 24), (200, 60), "C-c"),
]


def tmux(*args: str) -> str:
    done = subprocess.run(["tmux", "-L", SOCKET, *args], capture_output=True, text=True,
                          check=False)
    return done.stdout


def pane() -> str:
    return tmux("capture-pane", "-p", "-t", "restore")


def wait_for(predicate, what: str, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate(pane()):
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}; the pane shows:\n{pane()}")


def run_case(start: tuple[int, int], size: tuple[int, int], keys: str, home: Path) -> None:
    env = " ".join(f"{name}={home / sub}" for name, sub in (
        ("SCALE_TUI_CONFIG_DIR", "config"), ("SCALE_TUI_STATE_DIR", "state"),
        ("SCALE_TUI_DATA_DIR", "data")))
    console = shutil.which("scale-tui") or f"{sys.executable} -m scale_tui.cli"
    tmux("new-session", "-d", "-s", "restore", "-x", str(start[0]), "-y", str(start[1]),
         "bash --norc --noprofile")
    try:
        tmux("send-keys", "-t", "restore",
             f"echo before-the-console-$((40+2)); env {env} {console} --url http://127.0.0.1:9;"
             " echo EXIT=$?",
             "Enter")
        wait_for(lambda text: CONSOLE_LINE in text, "the console to draw")
        tmux("resize-window", "-t", "restore", "-x", str(size[0]), "-y", str(size[1]))
        wait_for(lambda text: CONSOLE_LINE in text and len(text.splitlines()) >= size[1] - 1,
                 "the console to redraw at the new size")
        tmux("send-keys", "-t", "restore", keys)
        wait_for(lambda text: any(re.fullmatch(r"EXIT=\d+", line) for line in text.splitlines()),
                 "the console to quit")
        text = pane()
        assert MARKER in text.splitlines(), f"the shell's earlier output is gone:\n{text}"
        assert CONSOLE_LINE not in text, f"the console's last frame is still painted:\n{text}"
    finally:
        tmux("kill-session", "-t", "restore")


def main() -> int:
    if shutil.which("tmux") is None:
        print("tmux is not installed (apt-get install tmux)", file=sys.stderr)
        return 2
    with tempfile.TemporaryDirectory() as home:
        try:
            for start, size, keys in CASES:
                label = f"{start[0]}x{start[1]} -> {size[0]}x{size[1]}, quit with {keys}"
                try:
                    run_case(start, size, keys, Path(home))
                except AssertionError as exc:
                    print(f"FAIL {label}: {exc}")
                    return 1
                print(f"ok   {label}: terminal restored")
        finally:
            tmux("kill-server")
    return 0


if __name__ == "__main__":
    sys.exit(main())
