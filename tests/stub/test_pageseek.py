"""Where the page seeker starts a page: from a remembered key only when that saves work."""

from __future__ import annotations

import pytest

from server_stub.app import open_state
from server_stub.store.joblist import KEY_POSITION, page_keys
from server_stub.store.jobquery import list_filters
from server_stub.store.pageseek import PageSeeker, reverse
from server_stub.store.params import Params

WHERE, ARGS, ORDER = "status = ?", ["COMPLETED"], "last_modified DESC, id DESC"


def seeker_with_pages(*offsets: int, generation: int = 1) -> PageSeeker:
    seeker = PageSeeker()
    for offset in offsets:  # one-row pages: key (last_modified, id) = (1000 - offset, offset)
        seeker.remember(WHERE, ARGS, ORDER, generation, offset, [(offset, 1000 - offset, 0)],
                        KEY_POSITION)
    return seeker


def test_a_near_anchor_is_sought_and_only_the_rest_skipped():
    seeker = seeker_with_pages(800)
    assert seeker.plan(WHERE, ARGS, ORDER, 850, 1) == (
        "(last_modified, id) <= (?, ?)", [200, 800], 50)


def test_an_anchor_in_the_first_half_is_not_used():
    seeker = seeker_with_pages(0, 100)
    assert seeker.plan(WHERE, ARGS, ORDER, 900, 1) == ("", [], 900)


def test_anchors_of_an_older_generation_or_another_query_are_not_used():
    seeker = seeker_with_pages(800)
    assert seeker.plan(WHERE, ARGS, ORDER, 850, 2) == ("", [], 850)
    assert seeker.plan(WHERE, ["FAILED"], ORDER, 850, 1) == ("", [], 850)
    assert seeker.plan(WHERE, ARGS, "status ASC, id ASC", 850, 1) == ("", [], 850)


def test_only_plain_total_orders_are_reversed():
    assert reverse("last_modified DESC, id DESC") == "last_modified ASC, id ASC"
    assert reverse("status ASC, id ASC") == "status DESC, id DESC"
    assert reverse("started IS NULL, started ASC, id ASC") is None  # nullable: NULLs placed
    assert reverse("(ended - started) IS NULL, (ended - started) ASC, id ASC") is None


@pytest.fixture(scope="module")
def frozen():
    return open_state(jobs=1500, seed=2, simulate=False)


def keys(state, query, offset, count=None):
    state.seeker = PageSeeker()  # no remembered page starts: each page found on its own
    with state.db.read() as conn:
        return page_keys(conn, state, query, offset, 100, count)


def list_query(state, **params):
    return list_filters(Params(list(params.items())), state.catalog)


@pytest.mark.parametrize("order", ["-last_modified", "created", "status", "-id"])
@pytest.mark.parametrize("status", [None, "COMPLETED"])
def test_a_page_found_from_the_far_end_is_the_same_page(frozen, order, status):
    q = list_query(frozen, order=order, **({"status": status} if status else {}))
    with frozen.db.read() as conn:
        count = conn.execute(f"SELECT count(*) FROM jobs WHERE {q.sql_where()}",
                             q.args).fetchone()[0]
    last = (count - 1) // 100 * 100  # a part page
    for offset in (0, 600, count // 2 + 50, last - 100, last):
        assert keys(frozen, q, offset, count) == keys(frozen, q, offset), offset


def test_a_deep_page_walks_from_the_nearer_end(frozen):
    q = list_query(frozen, order="-last_modified")

    def instructions(offset, count):
        counter = [0]

        def tick():
            counter[0] += 1
            return 0

        frozen.db.conn.set_progress_handler(tick, 1)  # every SQLite VM instruction
        try:
            keys(frozen, q, offset, count)
        finally:
            frozen.db.conn.set_progress_handler(None, 0)
        return counter[0]

    first_page = instructions(0, 1500)
    forward = instructions(1300, None) - first_page
    backward = instructions(1300, 1500) - first_page
    assert backward * 4 < forward, (forward, backward)  # 100 entries skipped, not 1,300
