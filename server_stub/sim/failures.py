"""Where failures fall: which error a failed execution gets, and on which node it ran.

Triage is only worth showing on data whose failures cluster as a real cluster's do: each job type
fails mostly with one or two errors of its own (its bug, its bad input), then a long tail; and
one node, a host whose Docker daemon keeps killing containers, produces most SYSTEM failures.
The seed and the simulator both decide here, so the live cluster keeps adding failures with the
same bias as its history. Every draw takes the caller's ``random.Random``: one seed, one cluster.
"""

from __future__ import annotations

import bisect
import functools
import itertools
import random
import zlib
from collections.abc import Callable

from server_stub.store.catalog import NODES, Error

BAD_NODE = NODES[6]["id"]  # scale-agent-07.cluster.local
# The seed puts this share of its SYSTEM failures on the bad node (the rest stay where drawn).
BAD_NODE_SHARE = 0.75
# What the bad node does to an execution in the simulator: it fails this often, with a SYSTEM
# error, and fast, so its slots free first and it keeps drawing work (a "black hole" host).
BAD_NODE_FAILS = 0.7
# A retry of a job the bad node just failed goes back there this often when it has a free
# slot: Mesos offers a host's resources again the moment its task dies, and Scale requeues the
# job at once. So jobs run out of tries there, and the bad node's SYSTEM failures become failed
# jobs, not only failed executions.
RETRY_RETURNS = 0.8
# Elsewhere executions fail this often, and this share of those failures are SYSTEM ones.
NODE_FAILS = 0.08
NODE_SYSTEM_SHARE = 0.1
# SYSTEM errors from the commonest down, as a host with a failing Docker daemon and a slow
# disk produces them (containers killed, pre-tasks and image pulls timing out); the others
# follow in a fixed order.
SYSTEM_RANK = ("docker-terminated", "pre-timeout", "pull-timeout", "resource-starvation",
               "node-lost")


def _rank_key(error: Error, job_type_name: str) -> tuple:
    if error.category == "SYSTEM":
        rank = SYSTEM_RANK.index(error.name) if error.name in SYSTEM_RANK else len(SYSTEM_RANK)
        return (rank, error.id)
    # An algorithm fails mostly with its own mapped exit codes, each type in its own order
    # (crc32, not hash(): the same order in every process).
    own = 0 if error.job_type_name else 1
    return (own, zlib.crc32(f"{job_type_name}/{error.name}".encode()), error.id)


@functools.lru_cache(maxsize=1024)
def _ranked(errors: tuple[Error, ...], job_type_name: str) -> tuple[tuple[Error, ...], list]:
    ordered = tuple(sorted(errors, key=lambda e: _rank_key(e, job_type_name)))
    # The k-th commonest weighs 1/k³: the first takes about 80 %, the second 10 %, then a tail.
    cumulative = list(itertools.accumulate(1 / (k ** 3) for k in range(1, len(ordered) + 1)))
    return ordered, cumulative


def pick_error(rng: random.Random, pool: list[Error], job_type_name: str) -> Error:
    """One error of ``pool``, the commonest for this job type most often."""
    ordered, cumulative = _ranked(tuple(pool), job_type_name)
    return rng.choices(ordered, cum_weights=cumulative)[0]


def picker(pool: list[Error], job_type_name: str) -> Callable[[random.Random], Error]:
    """``pick_error`` for one pool and job type, ranked once: the same draw
    (``rng.choices``' bisection of one ``random()``) without ranking the pool again per call."""
    ordered, cumulative = _ranked(tuple(pool), job_type_name)
    total, last = cumulative[-1] + 0.0, len(ordered) - 1
    return lambda rng: ordered[bisect.bisect(cumulative, rng.random() * total, 0, last)]


def like(rng: random.Random, drawn: Error, pool: list[Error], job_type_name: str) -> Error:
    """An error in place of ``drawn``, from ``pool``, retried exactly when ``drawn`` is.

    The seed draws ``drawn`` evenly from ``pool`` as it always did and keeps everything that
    depended on it (how many executions, their times); only which error it shows changes.
    """
    same = [e for e in pool if e.should_be_retried == drawn.should_be_retried]
    return pick_error(rng, same, job_type_name)


def seed_node(rng: random.Random, error: Error | None, drawn: int) -> int:
    """The node a seeded failed execution ran on: mostly the bad node for SYSTEM errors."""
    if error is not None and error.category == "SYSTEM" and rng.random() < BAD_NODE_SHARE:
        return BAD_NODE
    return drawn


def live_failure(rng: random.Random, node_id: int, job_type_name: str,
                 retried: list[Error], own: list[Error]) -> Error | None:
    """Whether an execution ending now on ``node_id`` fails, and with which error.

    ``retried`` are the SYSTEM errors Scale retries, ``own`` the job type's errors that are
    not retried. ``None``: it completes.
    """
    bad = node_id == BAD_NODE
    # High draws fail, and then mostly with the type's own error (tests force that path).
    if rng.random() < 1 - (BAD_NODE_FAILS if bad else NODE_FAILS):
        return None
    if bad or rng.random() < NODE_SYSTEM_SHARE:
        return pick_error(rng, retried, job_type_name)
    return pick_error(rng, own, job_type_name)


def retry_node(rng: random.Random, failed_on: int | None, nodes: list[int],
               open_slots: list[int]) -> int | None:
    """The index in ``nodes`` a retried job returns to, or ``None`` to place it as any job."""
    if failed_on != BAD_NODE:
        return None
    at = nodes.index(BAD_NODE)
    if open_slots[at] and rng.random() < RETRY_RETURNS:
        return at
    return None
