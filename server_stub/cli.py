"""``scale-stub``: serve the stub Scale API from a seeded SQLite database."""

from __future__ import annotations

import argparse
import sys

import uvicorn

from server_stub.app import create_app


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="scale-stub",
                                description="A stand-in Scale v6 server for demos and tests.")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    p.add_argument("--port", type=int, default=8000, help="port (default 8000)")
    p.add_argument("--db", default=":memory:",
                   help="SQLite file; an existing seeded file is reused (default :memory:)")
    p.add_argument("--jobs", type=int, default=200, help="jobs to seed, 10 to 1,000,000")
    p.add_argument("--seed", type=int, default=1, help="seed for the generated data")
    p.add_argument("--no-simulate", dest="simulate", action="store_false",
                   help="freeze the data: fixed timestamps, nothing moves on its own")
    p.add_argument("--token", help="require 'Authorization: Token TOKEN' as Scale does")
    p.add_argument("--paused", action="store_true",
                   help="start with the scheduler paused: queued jobs wait until "
                        "PATCH /v6/scheduler/ {\"is_paused\": false}")
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not 10 <= args.jobs <= 1_000_000:
        print(f"scale-stub: --jobs must be between 10 and 1,000,000 (got {args.jobs})",
              file=sys.stderr)
        return 2
    print(f"scale-stub: seeding {args.jobs} jobs (seed {args.seed})...", file=sys.stderr)
    app = create_app(args.db, jobs=args.jobs, seed=args.seed, simulate=args.simulate,
                     token=args.token, paused=args.paused)
    print(f"scale-stub: serving Scale v6 at http://{args.host}:{args.port}/v6/", file=sys.stderr)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
