"""JSON decoding, measured (issue 15): the models' msgspec typed decoding beside the JSON step
alone and, with ``--before``, beside the pydantic models it replaced.

    .venv/bin/python bench/decode.py [--runs 5] [--before DIR]

Bodies: a page of 100 and of 1000 jobs as the stub serves them (GET /v6/jobs/), the 1000-job
page with one misfit in every job (the careful path: parse_json and a repair per job, lenient.py),
and a 10,000-hit Elasticsearch log answer (the burst of bench/logs.py). For each, the median of
``--runs`` of: JSON to Python values (api/body.parse_json, json.loads, orjson if installed,
msgspec untyped) and the whole of the console's path (``Page[Job].model_validate_json``, what
``ScaleClient.list_jobs`` does; ``parse_log_response`` for the log, beside a msgspec typed
decode of the hits into bench-local Structs). ``--before DIR``: DIR is a checkout of an older
commit (``git archive 8b6564b | tar -x -C DIR``, the last with the pydantic models); the same
bodies are read there by ``Page[Job].model_validate_json``, in a child process, right after
this tree's. Also prints the load average. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import msgspec

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scale_tui.api import Job, Page  # noqa: E402
from scale_tui.api.body import parse_json  # noqa: E402
from scale_tui.api.logs import parse_log_response  # noqa: E402

# The pydantic path of an older tree, timed in its own process (its models, its imports).
BEFORE = """
import statistics, sys, time
from scale_tui.api import Job, Page
body = open(sys.argv[1], "rb").read()
times = []
for _ in range(int(sys.argv[2])):
    start = time.perf_counter()
    Page[Job].model_validate_json(body)
    times.append((time.perf_counter() - start) * 1000)
print(statistics.median(times))
"""


def ms(fn, body, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(body)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def before_ms(tree: Path, body: bytes, runs: int) -> float:
    with tempfile.NamedTemporaryFile(suffix=".json") as file:
        file.write(body)
        file.flush()
        done = subprocess.run([sys.executable, "-c", BEFORE, file.name, str(runs)], check=True,
                              capture_output=True, text=True, cwd=tree,
                              env={**os.environ, "PYTHONPATH": str(tree)})
    return float(done.stdout)


def job_pages() -> dict[str, bytes]:
    import httpx

    from server_stub.runner import StubServer

    with StubServer(jobs=2000, seed=7, simulate=False) as server:
        pages = {f"page of {n} jobs": httpx.get(f"{server.url}/v6/jobs/",
                                                params={"page_size": n}).content
                 for n in (100, 1000)}
    odd = json.loads(pages["page of 1000 jobs"])
    for job in odd["results"]:
        job["num_exes"] = "many"  # a misfit: read as None, the rest of the job kept
    pages["page of 1000 jobs, one misfit each"] = json.dumps(odd).encode()
    return pages


def log_burst(lines: int = 10_000) -> bytes:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    hits = [{"_index": "scalelogs", "_id": str(i), "_source": {
        "@timestamp": (t0 + timedelta(milliseconds=i)).isoformat().replace("+00:00", "Z"),
        "scale_order_num": i, "message": f"step {i}: processed tile {i % 97} in {i % 13} ms",
        "stream": "stderr" if i % 8 == 0 else "stdout", "scale_job_exe": "7",
        "scale_node": "node-1"}} for i in range(lines)]
    return json.dumps({"took": 3, "hits": {"total": {"value": lines}, "hits": hits}}).encode()


# The typed decode alone, all hits in one call: api/logs.py reads the same fields (as its
# _Source), 1,000 hits per decode, and builds the LogLines: its whole path is the line below it.
class _Source(msgspec.Struct, gc=False):
    timestamp: datetime | None = msgspec.field(default=None, name="@timestamp")
    scale_order_num: int | None = None
    stream: str | None = None
    message: str | None = None


class _Hit(msgspec.Struct, gc=False):
    source: _Source | None = msgspec.field(default=None, name="_source")


class _Hits(msgspec.Struct):
    hits: list[_Hit] = []


class _Search(msgspec.Struct):
    hits: _Hits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--before", type=Path, help="a checkout with the pydantic models")
    args = parser.parse_args()
    runs = args.runs
    decoders = {"json.loads": json.loads, "msgspec.json.decode (untyped)": msgspec.json.decode}
    try:
        import orjson
        decoders["orjson.loads"] = orjson.loads
    except ImportError:
        print("orjson not installed: skipped")

    bodies = job_pages()
    print(f"median of {runs}, milliseconds; load average {os.getloadavg()[0]:.1f}")
    for name, body in bodies.items():
        print(f"{name} ({len(body) / 1024:,.0f} KiB)")
        print(f"  {'api/body.parse_json':<44} {ms(parse_json, body, runs):8.2f}")
        for label, fn in decoders.items():
            print(f"  {label:<44} {ms(fn, body, runs):8.2f}")
        now = ms(Page[Job].model_validate_json, body, runs)
        print(f"  {'whole: Page[Job].model_validate_json':<44} {now:8.2f}")
        if args.before:
            then = before_ms(args.before, body, runs)
            print(f"  {'  the same, --before (pydantic)':<44} {then:8.2f}  ({then / now:.1f}x)")
    body = log_burst()
    print(f"log burst of 10,000 hits ({len(body) / 1024:,.0f} KiB)")
    print(f"  {'api/body.parse_json':<44} {ms(parse_json, body, runs):8.2f}")
    for label, fn in decoders.items():
        print(f"  {label:<44} {ms(fn, body, runs):8.2f}")
    typed = msgspec.json.Decoder(_Search)
    print(f"  {'msgspec typed (hits -> Structs)':<44} {ms(typed.decode, body, runs):8.2f}")
    print(f"  {'whole: api/logs.parse_log_response':<44} {ms(parse_log_response, body, runs):8.2f}")


if __name__ == "__main__":
    main()
