"""Triage's plain logic (scale_tui.core.triage): windows, grouping, buckets, the cap, and the
filter that selects one group again. No textual here."""

from __future__ import annotations

import asyncio
import gc
from datetime import UTC, datetime, timedelta

import httpx
import pytest

from scale_tui.api import InvalidFilter, JobBrief, ScaleClient
from scale_tui.core import triage
from scale_tui.core.filter_form import FilterForm, to_job_filter
from scale_tui.core.formatting import sparkline
from tests.fakes import FakeScale

NOW = datetime(2026, 1, 1, 6, 0, tzinfo=UTC)
DAY = triage.Window(NOW - timedelta(hours=24), NOW, "24h")


def failed(job_id: int, at: datetime, *, error: tuple | None = (7, "timeout", "ALGORITHM"),
           job_type: tuple | None = (3, "sam", "1.0"), node: tuple | None = (1, "node-1"),
           ended: datetime | None = None) -> JobBrief:
    moment = at.isoformat().replace("+00:00", "Z")
    data = {
        "id": job_id, "status": "FAILED", "is_superseded": False, "last_modified": moment,
        "ended": (ended or at).isoformat().replace("+00:00", "Z"),
        "error": None if error is None else {"id": error[0], "name": error[1],
                                             "title": error[1].title(), "category": error[2]},
        "job_type": None if job_type is None else {"id": job_type[0], "name": job_type[1],
                                                   "version": job_type[2]},
        "node": None if node is None else {"id": node[0], "hostname": node[1]},
    }
    return JobBrief.model_validate(data)


def hours_ago(hours: float) -> datetime:
    return NOW - timedelta(hours=hours)


JOBS = [
    failed(1, hours_ago(1)),
    failed(2, hours_ago(2)),
    failed(3, hours_ago(3), job_type=(4, "tile", "2.0")),
    failed(4, hours_ago(20), error=(9, "node-lost", "SYSTEM"), node=(2, "node-2")),
    failed(5, hours_ago(21), error=(9, "node-lost", "SYSTEM"), node=(2, "node-2"),
           job_type=(4, "tile", "2.0")),
    failed(6, hours_ago(22), error=(11, "bad-data", "DATA"), node=(2, "node-2")),
]


def test_default_grouping_is_error_by_job_type():
    groups = triage.group_failures(JOBS, DAY)
    assert [(g.error.name, g.job_type.name, g.count) for g in groups] == [
        ("timeout", "sam", 2), ("timeout", "tile", 1), ("bad-data", "sam", 1),
        ("node-lost", "sam", 1), ("node-lost", "tile", 1)]  # ties: by category, then name
    top = groups[0]
    assert top.example_job_id == 1  # the newest failure of the group
    assert (top.first, top.last) == (hours_ago(2), hours_ago(1))
    assert top.node is None and top.category is None  # not part of this grouping
    assert sum(g.count for g in groups) == len(JOBS)


@pytest.mark.parametrize(("grouping", "expected"), [
    (("error",), [("ALGORITHM: Timeout", 3), ("SYSTEM: Node-Lost", 2), ("DATA: Bad-Data", 1)]),
    (("job-type",), [("sam 1.0", 4), ("tile 2.0", 2)]),
    (("node",), [("node-1", 3), ("node-2", 3)]),
    (("category",), [("ALGORITHM", 3), ("SYSTEM", 2), ("DATA", 1)]),
])
def test_each_grouping_counts_every_failure_once(grouping, expected):
    groups = triage.group_failures(JOBS, DAY, grouping)
    assert [(g.label(), g.count) for g in groups] == expected
    assert sorted(i for g in groups for i in g.job_ids) == [1, 2, 3, 4, 5, 6]


def test_g_cycles_through_every_grouping_and_back():
    seen = [triage.GROUPINGS[0]]
    for _ in range(len(triage.GROUPINGS)):
        seen.append(triage.next_grouping(seen[-1]))
    assert seen[-1] == seen[0]
    assert {d for g in seen for d in g} == set(triage.DIMENSIONS)


def test_jobs_without_error_or_node_get_their_own_group():
    jobs = [failed(1, hours_ago(1), error=None, node=None), failed(2, hours_ago(2), node=None),
            failed(3, hours_ago(3))]
    by_error = triage.group_failures(jobs, DAY, ("error",))
    assert [(g.label(), g.count) for g in by_error] == [("ALGORITHM: Timeout", 2),
                                                        ("(no error recorded)", 1)]
    by_node = triage.group_failures(jobs, DAY, ("node",))
    assert [(g.label(), g.count) for g in by_node] == [("(no node)", 2), ("node-1", 1)]
    by_category = triage.group_failures(jobs, DAY, ("category",))
    assert [g.label() for g in by_category] == ["ALGORITHM", "(no category)"]
    # Scale cannot filter on "no error" or on a node: such a group has no exact filter
    assert triage.group_filter(by_error[1], DAY) is None
    assert all(triage.group_filter(g, DAY) is None for g in by_node)
    assert triage.group_filter(by_category[1], DAY) is None


def test_buckets_split_the_window_evenly_and_edges_go_to_the_later_bucket():
    window = triage.Window(NOW - timedelta(hours=4), NOW)
    at = [NOW - timedelta(hours=4), NOW - timedelta(hours=3),  # start; an edge -> bucket 1
          NOW - timedelta(hours=3, microseconds=1),  # just before that edge -> bucket 0
          NOW - timedelta(minutes=1), NOW]  # the end belongs to the last bucket
    assert [triage.bucket_index(t, window, 4) for t in at] == [0, 1, 0, 3, 3]
    assert triage.bucket_starts(window, 4)[1] == NOW - timedelta(hours=3)


def test_same_buckets_in_every_row_and_the_header_chart_is_their_sum():
    groups = triage.group_failures(JOBS, DAY, ("error",), buckets=24)
    assert {len(g.buckets) for g in groups} == {24}
    total = triage.all_buckets(JOBS, DAY, 24)
    assert total == [sum(col) for col in zip(*(g.buckets for g in groups), strict=True)]
    assert total[23] == 1 and total[22] == 1 and total[21] == 1  # 1 h, 2 h, 3 h ago
    assert total[2] == 1 and total[3] == 1 and total[4] == 1  # 22 h, 21 h, 20 h ago


EDGES = [  # the window's start and end, a bucket edge and just before it, outside it
    failed(21, DAY.start), failed(22, DAY.end), failed(23, hours_ago(23)),
    failed(24, hours_ago(23) - timedelta(microseconds=1)),
    failed(25, hours_ago(1), ended=hours_ago(30)),  # ended before the window: last_modified
    failed(26, hours_ago(2), error=None, node=None, job_type=None),
]


@pytest.mark.parametrize("grouping", triage.GROUPINGS)
def test_groups_bucket_each_failure_as_failure_time_and_bucket_index_say(grouping):
    jobs = JOBS + EDGES
    compact = triage.Compactor()
    for given in (jobs, [compact(job) for job in jobs]):  # models (scripts) or a load's tuples
        groups = triage.group_failures(given, DAY, grouping)
        for group in groups:
            mine = [job for job in jobs if job.id in group.job_ids]
            expected = [0] * triage.BUCKETS
            for job in mine:
                expected[triage.bucket_index(triage.failure_time(job, DAY), DAY)] += 1
            assert group.buckets == expected and group.count == len(mine)
            assert group.last == max(triage.failure_time(job, DAY) for job in mine)
        assert triage.chart(groups) == triage.all_buckets(jobs, DAY)
        assert sum(triage.chart(groups)) == len(jobs)


def test_a_window_crossing_midnight_buckets_by_the_window_not_the_clock():
    start = datetime(2026, 1, 1, 23, 30, tzinfo=UTC)
    window = triage.Window(start, start + timedelta(hours=1))
    jobs = [failed(1, start + timedelta(minutes=29)), failed(2, start + timedelta(minutes=31))]
    assert triage.all_buckets(jobs, window, 2) == [1, 1]


def test_failure_time_is_ended_inside_the_window_else_last_modified():
    inside = failed(1, hours_ago(1), ended=hours_ago(1.5))
    outside = failed(2, hours_ago(1), ended=hours_ago(30))  # touched again later
    assert triage.failure_time(inside, DAY) == hours_ago(1.5)
    assert triage.failure_time(outside, DAY) == hours_ago(1)


def test_sorts():
    groups = triage.group_failures(JOBS, DAY, ("error",))
    assert triage.sort_groups(groups, "last")[0].error.name == "timeout"
    assert triage.sort_groups(groups, "first")[0].error.name == "bad-data"
    assert [g.error.name for g in triage.sort_groups(groups, "name")] == [
        "timeout", "bad-data", "node-lost"]  # ALGORITHM:, DATA:, SYSTEM:
    assert triage.next_sort("name") == "count"
    with pytest.raises(InvalidFilter):
        triage.sort_groups(groups, "size")


def test_window_parsing_like_the_filter_panel():
    assert triage.parse_triage_window(None, now=NOW).start == NOW - timedelta(hours=24)
    assert triage.parse_triage_window("90m", now=NOW).start == NOW - timedelta(minutes=90)
    w = triage.parse_triage_window("2026-01-01T00:00Z/2026-01-01T03:00Z", now=NOW)
    assert (w.start, w.end) == (NOW - timedelta(hours=6), NOW - timedelta(hours=3))
    w = triage.parse_triage_window("7d", "1d", now=NOW)
    assert (w.start, w.end) == (NOW - timedelta(days=7), NOW - timedelta(days=1))
    assert w.previous().end == w.start and w.previous().length == w.length
    for bad in ("all", "P1M", "0h"):
        with pytest.raises(InvalidFilter):
            triage.parse_triage_window(bad, now=NOW)
    with pytest.raises(InvalidFilter):
        triage.parse_triage_window("1h", "2h", now=NOW)  # ends before it starts


def test_group_filter_names_exactly_the_group():
    top = triage.group_failures(JOBS, DAY)[0]
    body = triage.group_filter(top, DAY, for_action=True).to_action_body()
    assert body == {"status": "FAILED", "job_type_ids": [3], "error_ids": [7],
                    "started": "2025-12-31T06:00:00Z",
                    "ended": "2026-01-01T06:00:00Z"}
    listing = triage.group_filter(top, DAY)
    assert listing.is_superseded is False
    # the jobs screen's form for the group becomes the same list query
    form = FilterForm().with_changes(**triage.group_form_changes(top, DAY))
    query = to_job_filter(form)
    assert (query.status, query.job_type_id, query.error_id, query.is_superseded) == (
        ["FAILED"], [3], [7], False)
    assert (query.started, query.ended) == (DAY.start, DAY.end)


def test_category_group_filters_on_the_category():
    group = triage.group_failures(JOBS, DAY, ("category",))[1]
    assert triage.group_filter(group, DAY, for_action=True).to_action_body()[
        "error_categories"] == ["SYSTEM"]


def test_json_carries_the_groups_keys_as_applicable():
    group = triage.group_failures(JOBS, DAY, ("node",))[1]
    data = group.to_json(len(JOBS))
    assert data["node"] == {"id": 2, "hostname": "node-2"}
    assert "error" not in data and "job_type" not in data
    assert (data["count"], data["example_job_id"], data["share"]) == (3, 4, 0.5)
    assert data["first"] == "2025-12-31T08:00:00Z"


def test_trend_words():
    assert triage.trend(12, 8).startswith("↑ 4 (+50%)")
    assert triage.trend(3, 6).startswith("↓ 3 (-50%)")
    assert triage.trend(5, 5).startswith("=")
    assert triage.trend(5, None) == ""


def test_grouping_names_from_the_command_line():
    assert triage.parse_grouping(None) == ("error", "job-type")
    assert triage.parse_grouping("job_type,error") == ("error", "job-type")
    with pytest.raises(InvalidFilter, match="unknown grouping"):
        triage.parse_grouping("host")


# ---- loading: pages and the cap


def _fake_scale(total: int) -> tuple[ScaleClient, list[httpx.Request]]:
    jobs = [failed(1000 + i, hours_ago(i * 0.001)).model_dump(mode="json") for i in range(total)]
    fake = FakeScale(jobs)

    def previous_window(request: httpx.Request) -> httpx.Response | None:
        if request.url.params.get("started") != triage.format_timestamp(DAY.start):
            return httpx.Response(200, json={"count": 4, "next": None, "results": []})
        return None  # the day asked for: the fake's jobs, paged

    fake.on("GET", "/v6/jobs/", previous_window)
    return ScaleClient("http://scale.test", transport=fake), fake.requests


def test_load_reads_every_page_newest_first_with_progress():
    client, seen = _fake_scale(2500)
    progress: list[tuple[int, int]] = []
    result = asyncio.run(triage.load_failures(client, DAY, page_size=1000,
                                              progress=lambda d, t: progress.append((d, t))))
    assert len(result.jobs) == 2500 and result.total == 2500 and result.complete
    assert progress == [(1, 3), (2, 3), (3, 3)]
    assert result.previous_total == 4
    first = seen[0].url.params
    assert (first.get_list("status"), first.get("is_superseded"), first.get_list("order")) == (
        ["FAILED"], "false", ["-last_modified", "-id"])
    assert first.get("page_size") == "1000"


def test_a_loads_failures_are_tuples_the_garbage_collector_does_not_track():
    # 10,000 models kept alive made every full collection hold the console 100-450 ms
    # (docs/triage.md): a load keeps plain tuples, job type / error / node shared.
    client, _ = _fake_scale(1500)
    result = asyncio.run(triage.load_failures(client, DAY, page_size=1000))
    # CPython untracks a tuple in a collection that finds its items untracked; a pass can meet
    # an outer tuple before its inner ones (generations merged in a full collection): two passes
    gc.collect()
    gc.collect()
    assert not any(gc.is_tracked(job) for job in result.jobs)
    first, second = result.jobs[0], result.jobs[1]
    assert first[0] == 1000 and first[3] == (3, "sam", "1.0")  # id, ..., job type
    assert first[4] is second[4] and first[5] is second[5]  # one error, one node tuple
    assert triage.group_failures(result.jobs, DAY)[0].count == 1500


def test_the_cap_cuts_the_window_and_says_where():
    client, seen = _fake_scale(2500)
    progress: list[tuple[int, int]] = []
    result = asyncio.run(triage.load_failures(client, DAY, cap=1500, page_size=1000,
                                              progress=lambda d, t: progress.append((d, t))))
    assert len(result.jobs) == 1500 and result.total == 2500 and not result.complete
    assert result.cut_at == triage.failure_time(result.jobs[-1], DAY)
    assert progress == [(1, 2), (2, 2)]
    pages = [r for r in seen if r.url.params.get("page_size") == "1000"]
    assert len(pages) == 2  # the third page is never asked for


def test_exactly_cap_failures_is_not_a_cut():
    client, _ = _fake_scale(1000)
    result = asyncio.run(triage.load_failures(client, DAY, cap=1000, page_size=1000))
    assert result.complete and len(result.jobs) == 1000


def test_a_cap_below_one_is_refused():
    client, _ = _fake_scale(1)
    with pytest.raises(InvalidFilter):
        asyncio.run(triage.load_failures(client, DAY, cap=0))


def test_row_sparklines_share_one_scale():
    assert sparkline([0, 1, 4, 8], 8) == "▁▂▅█"
    assert sparkline([0, 1], 100) == "▁▂"  # one failure never disappears
    assert sparkline([0, 0], 0) == "▁▁"
    assert sparkline([3, 6], 3) == "██"  # a peak below a value never overflows the bars
