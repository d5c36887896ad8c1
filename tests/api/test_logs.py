"""Logs: Elasticsearch answers become LogLines, and following returns every line once."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from unittest.mock import patch

import httpx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scale_tui.api import LogFollower, LogLine, ServerError, logs
from scale_tui.api.logs import LogFormatError, parse_log_response
from tests.fakes import Execution, es_response

T0 = datetime(2026, 1, 1, 12, 0, 0, tzinfo=UTC)
LOG_PATH = "/service/scale/api/v6/job-executions/31/logs/combined/"


def line(seconds: float, order: int = 0, message: str = "", stream: str = "stdout") -> LogLine:
    return LogLine(T0 + timedelta(seconds=seconds), order, stream, message or f"l{seconds}/{order}")


@pytest.fixture
def log(fake) -> Execution:
    """Execution 31's log on the fake Scale (started inclusive, sorted, capped)."""
    return fake.execution(31, job_id=1)


def test_parse_reads_hits_source_in_log_order():
    body = es_response([line(2, 1, "b", "stderr"), line(1, 0, "a")])
    lines = parse_log_response(json.dumps(body).encode())
    assert [(ln.message, ln.stream) for ln in lines] == [("a", "stdout"), ("b", "stderr")]
    assert lines[0].timestamp == T0 + timedelta(seconds=1)


def test_messages_are_kept_literally_and_bad_utf8_does_not_raise():
    body = es_response([line(1, 0, "[bold]x[/] \x1b[31mred\x1b[0m ☃")])
    lines = parse_log_response(json.dumps(body).encode())
    assert lines[0].message == "[bold]x[/] \x1b[31mred\x1b[0m ☃"
    raw = json.dumps(es_response([line(1, 0, "MARK")])).encode().replace(b"MARK", b"ok \xff\xfe")
    assert parse_log_response(raw)[0].message == "ok \ufffd\ufffd"


def test_odd_hits_are_tolerated():
    body = {"hits": {"hits": [
        {"_source": {"@timestamp": "2026-01-01T00:00:00.123456789Z", "message": None}},
        {"_source": {"@timestamp": "2026-01-01T00:00:01+00:00", "message": 42, "stream": "x"}},
        {"_source": {"message": "no timestamp: cannot be placed"}},
        {"no_source": True},
        "junk",
    ]}}  # fmt: skip
    lines = parse_log_response(json.dumps(body))
    assert [(ln.message, ln.stream, ln.order) for ln in lines] == [
        ("", "stdout", 0),
        ("42", "stdout", 0),
    ]
    assert lines[0].timestamp.microsecond == 123456


def test_non_elasticsearch_body_is_a_clear_error():
    with pytest.raises(LogFormatError, match=r"no hits.hits"):
        parse_log_response(b'{"detail": "x"}')
    with pytest.raises(LogFormatError, match=r"empty 200"):  # Scale says "none" with a 204
        parse_log_response(b"")
    with pytest.raises(LogFormatError, match=r"other than log sources"):
        parse_log_response(b"[0, 0, 0]")
    assert parse_log_response(b"[]") == []  # the documented (bare array) form, with no lines


def test_log_lines_are_frozen_and_hashable():
    a, b = line(1, 2, "m"), line(1, 2, "m")
    assert a == b and hash(a) == hash(b) and a.key == (a.timestamp, 2, "stdout", "m")
    with pytest.raises(AttributeError):
        a.message = "changed"


async def test_follower_returns_new_lines_once_despite_inclusive_started(client, log):
    follower = LogFollower(client, 31)
    assert await follower.poll() == []  # 204: nothing yet
    log.lines += [line(1, 0), line(2, 0), line(2, 1)]
    assert [ln.message for ln in await follower.poll()] == ["l1/0", "l2/0", "l2/1"]
    # More lines at the same last timestamp, and later ones.
    log.lines += [line(2, 2), line(3, 0)]
    assert [ln.message for ln in await follower.poll()] == ["l2/2", "l3/0"]
    assert await follower.poll() == []
    assert follower.total == 5
    assert follower.last_timestamp == T0 + timedelta(seconds=3)
    assert log.starts == [None, None, "2026-01-01T12:00:02Z", "2026-01-01T12:00:03Z"]


async def test_follower_keeps_identical_text_at_different_orders(client, log):
    log.lines += [line(1, 0, "same"), line(1, 1, "same"), line(1, 1, "same", "stderr")]
    follower = LogFollower(client, 31)
    assert len(await follower.poll()) == 3
    assert await follower.poll() == []


async def test_follower_memory_is_only_the_last_timestamp(client, log):
    log.lines += [line(s, o) for s in range(50) for o in range(3)]
    follower = LogFollower(client, 31)
    assert len(await follower.poll()) == 150
    assert len(follower._seen_at_last) == 3


async def test_follower_pages_forward_at_once_past_the_10000_line_cap(client, log):
    # 25,000 lines spread over 2,500 timestamps: three requests in one poll, none lost.
    log.lines += [line(s / 10, o, f"{s}/{o}") for s in range(2500) for o in range(10)]
    follower = LogFollower(client, 31)
    got = await follower.poll()
    assert len(got) == 25_000
    assert len(set(got)) == 25_000
    assert got == log.lines
    assert len(log.starts) == 3
    assert follower.skipped == []


async def test_follower_page_boundary_inside_one_timestamp(client, log):
    # The cap falls in the middle of a timestamp group that has 600 lines.
    log.lines += [line(0, o) for o in range(9_700)] + [line(1, o) for o in range(600)]
    follower = LogFollower(client, 31)
    got = await follower.poll()
    assert got == log.lines
    assert follower.total == 10_300


async def test_more_than_10000_lines_at_one_timestamp_are_detected_not_looped(client, log):
    # Real Scale cannot page inside one timestamp: the follower must move on and say so.
    log.lines += [line(1, o) for o in range(12_000)] + [line(2, 0, "after")]
    follower = LogFollower(client, 31)
    got = await follower.poll()
    assert follower.skipped == [T0 + timedelta(seconds=1)]
    assert len(got) == 10_001
    assert got[-1].message == "after"
    assert log.starts == [None, "2026-01-01T12:00:01.000001Z"]
    assert await follower.poll() == []


async def test_follower_stops_paging_after_a_bound_and_resumes_next_poll(client, log):
    log.lines += [line(s / 100, 0) for s in range(30_000)]
    follower = LogFollower(client, 31, max_pages_per_poll=2)
    first = await follower.poll()
    second = await follower.poll()
    assert len(log.starts) == 4
    assert first + second == log.lines


async def test_follower_can_start_later_and_says_when_it_has_caught_up(client, log):
    log.lines += [line(s / 10, 0) for s in range(12_000)]
    follower = LogFollower(client, 31, started=T0 + timedelta(seconds=100), max_pages_per_poll=1)
    first = await follower.poll()
    assert first[0].timestamp == T0 + timedelta(seconds=100)
    assert len(first) == 10_000 and not follower.caught_up
    rest = await follower.poll()
    assert follower.caught_up
    assert first + rest == log.lines[1000:]


async def test_a_failed_page_delays_lines_but_never_loses_them(client, fake, log):
    log.lines += [line(s / 10, 0) for s in range(15_000)]
    fake.on("GET", LOG_PATH, None, httpx.Response(503))  # page 2 fails every try
    follower = LogFollower(client, 31)
    with pytest.raises(ServerError):
        await follower.poll()
    del fake.routes[("GET", LOG_PATH)]
    assert await follower.poll() == log.lines


async def test_a_poll_cancelled_while_its_lines_are_sorted_out_loses_none(client, log, monkeypatch):
    # A big page is de-duplicated in a thread; the console may cancel the poll meanwhile (the
    # screen closes, the stream changes). The follower's state must be as if it never ran.
    log.lines += [line(s, o) for s in range(10) for o in range(2)]
    follower = LogFollower(client, 31)
    assert len(await follower.poll()) == 20
    log.lines += [line(s / 10, o) for s in range(100, 2_100) for o in range(2)]
    real = logs._new_lines

    def then_cancelled(*args):
        real(*args)
        raise asyncio.CancelledError

    monkeypatch.setattr(logs, "_new_lines", then_cancelled)
    with pytest.raises(asyncio.CancelledError):
        await follower.poll()
    monkeypatch.undo()
    assert await follower.poll() == log.lines[20:]  # each new line once, the old ones not again
    assert await follower.poll() == []


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(), children,
                                                                        max_size=4),
    max_leaves=20,
)


timestamps = st.sampled_from(["2026-01-01T00:00:00Z", "2026-01-01T00:00:01.123456789Z",
                              "2026-01-01T02:00:00+02:00", "2026-01-01T00:00:02", "garbage", ""])
sources = st.fixed_dictionaries({}, optional={
    "@timestamp": timestamps | json_values, "timestamp": timestamps | json_values,
    "scale_order_num": st.integers() | json_values,
    "stream": st.sampled_from(["stdout", "stderr"]) | json_values,
    "message": st.text() | json_values, "scale_node": json_values,
})
hits = st.fixed_dictionaries({"_source": sources}) | st.fixed_dictionaries(
    {}, optional={"_source": json_values, "_id": json_values}) | json_values


@settings(max_examples=50, deadline=None)  # each example is two parses; the box is shared
@given(hit_list=st.lists(hits, max_size=8), batch=st.integers(1, 3))
def test_typed_hits_read_as_the_careful_reading_does_whatever_their_types(hit_list, batch):
    """The fast path (msgspec typed hits, api/logs.py) and `_careful` (json.loads and one rule
    per field) agree on every hit, odd ones included, however the hits fall into batches."""
    body = json.dumps({"took": 1, "hits": {"hits": hit_list}}).encode()
    with patch.object(logs, "_BATCH", batch):
        assert parse_log_response(body) == logs._in_order(logs._careful(body))


@pytest.mark.parametrize("bad", ['{"hits": {"hits": [1, 2}}', '{"a" 1}', "[1 2]", '{"a": 1} x',
                                 '{"hits": [1,]}', "{'a': 1}"])
def test_a_body_that_is_not_json_is_named_as_json_loads_names_it(bad):
    with pytest.raises(ValueError) as expected:
        json.loads(bad)
    with pytest.raises(LogFormatError) as got:
        parse_log_response(bad.encode())
    assert str(got.value) == f"log response is not JSON: {expected.value}"
    with pytest.raises(LogFormatError, match="empty 200"):
        parse_log_response(b" \n")


def test_a_big_response_is_read_whole_and_an_odd_hit_costs_only_its_batch():
    lines = [line(s / 100, o, f"line {s}/{o} " + "x" * 40) for s in range(1_500) for o in range(3)]
    body = es_response(lines)
    body["hits"]["hits"][2_500]["_source"]["message"] = 42  # a number where text belongs
    careful = []
    read_one = logs._careful_hit
    with patch.object(logs, "_careful_hit", lambda raw, times: careful.append(1) or read_one(
            raw, times)):
        got = parse_log_response(json.dumps(body).encode())
    assert len(got) == len(lines) > 4 * logs._BATCH
    assert got[2_500] == lines[2_500]._replace(message="42")
    assert got[:2_500] == lines[:2_500] and got[2_501:] == lines[2_501:]
    assert len(careful) == logs._BATCH  # the odd hit's batch, one hit at a time; the rest typed
    with pytest.raises(LogFormatError):
        parse_log_response(json.dumps(body).encode()[:-1])


def test_a_lone_surrogate_escape_in_a_message_is_kept_as_json_loads_keeps_it():
    raw = json.dumps(es_response([line(1, 0, "MARK"), line(2, 0, "b")])).encode()
    lines = parse_log_response(raw.replace(b"MARK", b"x \\udc80 y"))
    assert [ln.message for ln in lines] == ["x \udc80 y", "b"]  # the sanitiser shows it
