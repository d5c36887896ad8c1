"""The list's queries at scale: each filter the console and triage send is served by an index
that also gives the order, so a page never sorts the matching rows (EXPLAIN QUERY PLAN)."""

from __future__ import annotations

import pytest

from server_stub.app import open_state
from server_stub.store.joblist import page_keys
from server_stub.store.jobquery import list_filters
from server_stub.store.params import Params

TRIAGE = [("status", "FAILED"), ("is_superseded", "false"),
          ("started", "2026-01-01T01:00:00Z"), ("ended", "2026-01-02T00:00:00Z")]


@pytest.fixture(scope="module")
def state():
    return open_state(jobs=3000, seed=2, simulate=False)


def plans(state, params, offset=0, count=None) -> list[list[str]]:
    """The query plan of every statement one page and its count ran."""
    q = list_filters(Params(params), state.catalog)
    statements: list[str] = []
    conn = state.db.conn
    conn.set_trace_callback(statements.append)
    try:
        with state.db.read():
            page_keys(conn, state, q, offset, 100, count)
            conn.execute(f"SELECT count(*) FROM jobs WHERE {q.sql_where()}", q.args).fetchone()
    finally:
        conn.set_trace_callback(None)
    return [[r[3] for r in conn.execute("EXPLAIN QUERY PLAN " + sql)] for sql in statements]


@pytest.mark.parametrize(("params", "index"), [
    ([("status", "FAILED"), ("order", "-last_modified")], "ix_jobs_status_lm (status=?)"),
    ([*TRIAGE, ("order", "-last_modified")],
     "ix_jobs_status_lm (status=? AND last_modified>? AND last_modified<?)"),
    ([("job_type_id", "1"), ("order", "-last_modified")], "ix_jobs_type_lm (job_type_id=?)"),
    ([("order", "-last_modified")], "ix_jobs_lm"),
    ([("order", "created")], "ix_jobs_created"),
])
def test_filtered_pages_use_an_index_in_the_order_asked(state, params, index):
    page, count = plans(state, params)
    inner = [step for step in page if "SUBQUERY" not in step and "rowid=?" not in step]
    assert any(index in step for step in inner), page
    # one sort only: the outer query putting the page's 100 keys in order
    assert sum("TEMP B-TREE" in step for step in page) == 1, page
    assert not any(step.startswith("SCAN jobs") and "INDEX" not in step for step in count)


def test_a_page_from_the_far_end_uses_the_same_index(state):
    page, _ = plans(state, [("status", "COMPLETED"), ("order", "-last_modified")], 2500, 2600)
    assert any("ix_jobs_status_lm (status=?)" in step for step in page)
    assert sum("TEMP B-TREE" in step for step in page) == 1, page


def test_job_type_status_windows_use_the_last_status_change_index(state):
    # Scale's Job.last_status_change has db_index=True; /job-types/status/ filters on it.
    plan = [r[3] for r in state.db.conn.execute(
        "EXPLAIN QUERY PLAN SELECT job_type_id, status, count(*) FROM jobs "
        "WHERE last_status_change >= ? GROUP BY job_type_id, status", (0,))]
    assert any("ix_jobs_last_status_change" in step for step in plan), plan
