"""JSON decoding, measured (issue 15): today's decoders beside orjson and msgspec.

    .venv/bin/python bench/decode.py [--runs 5]   (orjson/msgspec: installed, or on PYTHONPATH)

Bodies: a page of 100 and of 1000 jobs as the stub serves them (GET /v6/jobs/), and a
10,000-hit Elasticsearch log answer (the burst of bench/logs.py). For each, the median of
`--runs` of: JSON to Python values with today's parser (api/body.parse_json: pydantic_core's
jiter; api/logs.parse_log_response: json.loads, or the stepwise decoder over 256 KiB), with
orjson and with msgspec (untyped); and the whole of today's path (values -> Page[Job] models,
or -> LogLine list), to show how much of it is JSON at all. Prints numbers, asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scale_tui.api import Job, Page
from scale_tui.api.body import parse_json
from scale_tui.api.logs import loads_stepwise, parse_log_response


def ms(fn, body, runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn(body)
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def job_pages() -> dict[str, bytes]:
    import httpx

    from server_stub.runner import StubServer

    with StubServer(jobs=2000, seed=7, simulate=False) as server:
        return {f"page of {n} jobs": httpx.get(f"{server.url}/v6/jobs/",
                                               params={"page_size": n}).content
                for n in (100, 1000)}


def log_burst(lines: int = 10_000) -> bytes:
    t0 = datetime(2026, 1, 1, tzinfo=UTC)
    hits = [{"_index": "scalelogs", "_id": str(i), "_source": {
        "@timestamp": (t0 + timedelta(milliseconds=i)).isoformat().replace("+00:00", "Z"),
        "scale_order_num": i, "message": f"step {i}: processed tile {i % 97} in {i % 13} ms",
        "stream": "stderr" if i % 8 == 0 else "stdout", "scale_job_exe": "7",
        "scale_node": "node-1"}} for i in range(lines)]
    return json.dumps({"took": 3, "hits": {"total": {"value": lines}, "hits": hits}}).encode()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    runs = parser.parse_args().runs
    decoders = {}
    try:
        import orjson
        decoders["orjson.loads"] = orjson.loads
    except ImportError:
        print("orjson not installed: skipped")
    try:
        import msgspec
        decoders["msgspec.json.decode"] = msgspec.json.decode
    except ImportError:
        print("msgspec not installed: skipped")

    bodies = job_pages()
    print(f"median of {runs}, milliseconds")
    for name, body in bodies.items():
        print(f"{name} ({len(body) / 1024:,.0f} KiB)")
        print(f"  {'api/body.parse_json (jiter)':<38} {ms(parse_json, body, runs):8.2f}")
        for label, fn in decoders.items():
            print(f"  {label:<38} {ms(fn, body, runs):8.2f}")
        whole = ms(lambda b: Page[Job].model_validate(parse_json(b)), body, runs)
        print(f"  {'today whole: parse_json + Page[Job]':<38} {whole:8.2f}")
    body = log_burst()
    text = body.decode()
    print(f"log burst of 10,000 hits ({len(body) / 1024:,.0f} KiB)")
    print(f"  {'json.loads':<38} {ms(json.loads, body, runs):8.2f}")
    print(f"  {'api/logs.loads_stepwise (today > 256K)':<38} {ms(loads_stepwise, text, runs):8.2f}")
    print(f"  {'api/body.parse_json (jiter)':<38} {ms(parse_json, body, runs):8.2f}")
    for label, fn in decoders.items():
        print(f"  {label:<38} {ms(fn, body, runs):8.2f}")
    print(f"  {'today whole: parse_log_response':<38} {ms(parse_log_response, body, runs):8.2f}")


if __name__ == "__main__":
    main()
