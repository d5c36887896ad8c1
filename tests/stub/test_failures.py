"""Failures worth triaging: clustered by error and job type, one bad node behind most SYSTEM
failures, in the seed and in what the simulator adds (server_stub/sim/failures.py)."""

from __future__ import annotations

from collections import Counter

import pytest

from server_stub.app import open_state
from server_stub.sim import failures
from server_stub.store.timefmt import now_us


def failed_jobs(state, since: int | None = None) -> list[tuple]:
    """(job type name, error name, error category, node id) of every FAILED job."""
    cat = state.catalog
    with state.db.read() as conn:
        rows = conn.execute("SELECT job_type_id, error_id, node_id FROM jobs WHERE status = "
                            "'FAILED' AND last_status_change >= ?", (since or 0,)).fetchall()
    return [(cat.job_types[t].name, cat.errors[e].name, cat.errors[e].category, n)
            for t, e, n in rows]


def assert_triage_worthy(failed: list[tuple], top_share: float) -> None:
    pairs = Counter((jt, err) for jt, err, _, _ in failed)
    top3 = sum(n for _, n in pairs.most_common(3))
    assert top3 >= top_share * len(failed)  # a few error x type pairs dominate...
    small = [n for n in pairs.values() if n <= 3]
    assert len(small) >= len(pairs) / 2 and len(pairs) >= 10  # ...over a long tail
    system = Counter(node for _, _, category, node in failed if category == "SYSTEM")
    assert system.most_common(1)[0][0] == failures.BAD_NODE
    assert system[failures.BAD_NODE] > 0.6 * sum(system.values())


@pytest.fixture(scope="module")
def big():
    return open_state(jobs=8000, seed=11, simulate=False)


def test_seeded_failures_cluster_by_error_and_type_with_one_bad_node(big):
    failed = failed_jobs(big)
    assert len(failed) > 200
    assert_triage_worthy(failed, top_share=0.18)


def test_the_bias_changes_which_error_and_node_a_failure_shows_and_nothing_else(monkeypatch):
    def jobs(state):
        with state.db.read() as conn:
            return [tuple(r) for r in conn.execute(
                "SELECT id, status, num_exes, created, started, ended, last_modified, "
                "job_type_id, error_id IS NULL, node_id IS NULL FROM jobs ORDER BY id")]

    biased = jobs(open_state(jobs=3000, seed=4, simulate=False))
    monkeypatch.setattr(failures, "like", lambda rng, drawn, pool, name: drawn)
    monkeypatch.setattr(failures, "seed_node", lambda rng, error, drawn: drawn)
    even = jobs(open_state(jobs=3000, seed=4, simulate=False))
    assert biased == even


def test_the_simulator_keeps_adding_failures_with_the_same_bias(big):
    start = now_us()
    halves = []
    for _ in range(2):
        before = len(failed_jobs(big, start))
        for _ in range(1500):
            big.simulator.step(arrivals=True)
        halves.append(len(failed_jobs(big, start)) - before)
    assert all(n >= 20 for n in halves)  # failures keep coming, not a burst at the start
    assert_triage_worthy(failed_jobs(big, start), top_share=0.15)


def test_the_simulator_is_deterministic_for_a_seed():
    def run():
        state = open_state(jobs=300, seed=7, simulate=False)
        for _ in range(300):
            state.simulator.step(arrivals=True)
        with state.db.read() as conn:
            return [tuple(r) for r in conn.execute(
                "SELECT id, status, num_exes, error_id, node_id FROM jobs ORDER BY id")]

    assert run() == run()
