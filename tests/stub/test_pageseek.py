"""Where the page seeker starts a page: from a remembered key only when that saves work."""

from __future__ import annotations

from server_stub.store.joblist import KEY_POSITION
from server_stub.store.pageseek import PageSeeker

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
