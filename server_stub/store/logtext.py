"""What an execution's log lines say: progress, warnings, tracebacks, JSON, markup, escapes.

Real algorithm logs contain all of these, including text that looks like Rich markup and raw
ANSI escapes; a console must show them literally. ``message(exe_id, i, n, failed)`` is a pure
function so seeded logs can be regenerated on demand instead of stored.
"""

from __future__ import annotations

TRACEBACK = [
    "Traceback (most recent call last):",
    '  File "/app/process.py", line 212, in <module>',
    "    main(sys.argv[1:])",
    '  File "/app/process.py", line 188, in main',
    "    tile = reader.read_tile(band, index)",
    '  File "/app/raster/reader.py", line 97, in read_tile',
    "    raise IOError(f\"short read on band {band}: expected {want} bytes, got {got}\")",
    "OSError: short read on band 4: expected 1048576 bytes, got 524288",
]
BANDS = ["B1", "B2", "B3", "B4", "B5", "B6", "B7", "B8", "B9", "B10", "B11"]


def _hash(exe_id: int, i: int) -> int:
    return ((exe_id * 2654435761) ^ (i * 40503 + 0x9E3779B9)) & 0xFFFFFFFF


def line(exe_id: int, i: int, n: int, failed: bool) -> tuple[str, str]:
    """The ``(stream, message)`` of line ``i`` of ``n`` in execution ``exe_id``."""
    if i == 0:
        return "stdout", f"Starting execution scale_{exe_id}: ./run.sh /scale/input_data"
    if failed and i >= n - len(TRACEBACK):
        return "stderr", TRACEBACK[i - (n - len(TRACEBACK))]
    if not failed and i == n - 1:
        return "stdout", "Processing complete; wrote results manifest /scale/output_data"
    if i == n // 2 and n > 20:
        values = ",".join(f"{(_hash(exe_id, k) % 100000) / 1000:.3f}" for k in range(900))
        return "stdout", f"DEBUG histogram band=B4 values=[{values}]"  # one very long line
    h = _hash(exe_id, i)
    kind = h % 50
    band = BANDS[h % len(BANDS)]
    if kind < 30:
        return "stdout", f"Processing tile {i}/{n} band {band} ({100 * i // n}%)"
    if kind < 36:
        return "stderr", f"WARNING: {h % 5000} saturated pixels in band {band}, clamping"
    if kind < 41:
        return "stdout", (f'{{"level": "info", "event": "tile_done", "tile": {i}, '
                          f'"band": "{band}", "ms": {h % 900}}}')
    if kind < 44:
        return "stdout", f"INFO reading /scale/input_data/scene_{exe_id}/{band}.TIF"
    if kind < 46:
        return "stderr", f"[bold red]ERROR[/bold red] upload of tile {i} failed, retrying [1/3]"
    if kind < 48:
        return "stderr", f"\x1b[33mWARN\x1b[0m disk usage at {80 + h % 20}% on /scale/output_data"
    return "stdout", f"GDAL: warped {h % 4096}x{h % 2048} pixels with [cubic] resampling"


def live_line(exe_id: int, i: int) -> tuple[str, str]:
    """A line the simulator writes while an execution runs (no known end)."""
    # Tiles of a 600-tile scene, over and over; tile 300 is the occasional very long line.
    return line(exe_id, 1 + i % 598, 600, failed=False)
