"""Parameters parsed as Scale's util/rest.py parses them, with its exact 400 texts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from server_stub.store.params import BadParameter, Params, parse_iso_duration, parse_iso_timestamp

BAD_TS = "Invalid ISO timestamp format for parameter: started"


@pytest.mark.parametrize("value", [
    "2026-01-01T00:00:00Z", "2026-01-01T00:00:00.123456Z", "2026-01-01 00:00Z",
    "2026-01-01T00:00:00+02:00", "2026-01-01T00:00:00+0200", "2026-01-01T00:00+02",
    "PT1H", "P1D", "P1DT2H3M4S", "PT0.5H", "P", "PT",
])
def test_timestamps_scale_accepts(http, value):
    r = http.get("/v6/jobs/", params={"started": value, "page_size": 1})
    assert r.status_code == 200, r.text


@pytest.mark.parametrize("value", [
    "2026-01-01T00:00:00", "2026-01-01T00:00:00-05:00", "2026-01-01Z", "P1W", "P1M", "P1Y",
    "-PT1H", "PT-1H", "2026-13-01T00:00:00Z", "yesterday", "", "2026-01-01T00:00:00 00:00",
])
def test_timestamps_scale_rejects(http, value):
    r = http.get("/v6/jobs/", params={"started": value})
    assert r.status_code == 400
    assert r.json() == {"detail": BAD_TS}


def test_unencoded_plus_decodes_to_space_and_is_rejected(http):
    r = http.get("/v6/jobs/?started=2026-01-01T00:00:00+00:00")
    assert r.json() == {"detail": BAD_TS}


def test_duration_means_now_minus(monkeypatch):
    now = 1_767_225_600_000_000
    monkeypatch.setattr("server_stub.store.params.now_us", lambda: now)
    assert Params([("started", "PT1H")]).timestamp("started") == now - 3_600_000_000
    assert Params([("started", "P1DT0.5S")]).timestamp("started") == now - 86_400_500_000
    assert Params([("started", "PT")]).timestamp("started") == now


def test_parsers_directly():
    assert parse_iso_duration("PT0.5H") == timedelta(minutes=30)
    assert parse_iso_duration("P1W") is None
    assert parse_iso_timestamp("2026-01-01T05:00:00+05:00") == datetime(2026, 1, 1, tzinfo=UTC)
    assert parse_iso_timestamp("2026-01-01T00:00:00-05:00") is None


@pytest.mark.parametrize("params,detail", [
    ({"started": "2026-01-02T00:00:00Z", "ended": "2026-01-01T00:00:00Z"},
     "Start time must come before end time"),
    ({"started": "2026-01-01T00:00:00Z", "ended": "2026-01-01T00:00:00Z"},
     "Start and end values must be different"),
    ({"source_started": "2026-01-02T00:00:00Z", "source_ended": "2026-01-01T00:00:00Z"},
     "Start time must come before end time"),
    ({"ended": "x"}, "Invalid ISO timestamp format for parameter: ended"),
    ({"source_ended": "x"}, "Invalid ISO timestamp format for parameter: source_ended"),
    ({"job_id": "a"}, 'Parameter must be a valid integer: "job_id"'),
    ({"batch_id": "1.5"}, 'Parameter must be a valid integer: "batch_id"'),
    ({"job_type_id": ""}, 'Parameter must be a valid integer: "job_type_id"'),
    ({"is_superseded": "yes"}, 'Parameter must be a valid boolean: "is_superseded"'),
])
def test_bad_list_parameters_get_scales_messages(http, params, detail):
    r = http.get("/v6/jobs/", params=params)
    assert r.status_code == 400
    assert r.json() == {"detail": detail}


@pytest.mark.parametrize("text,value", [(" TRUE ", True), ("t", True), ("1", True),
                                        ("False", False), ("f", False), ("0", False)])
def test_booleans(text, value):
    assert Params([("x", text)]).bool("x") is value


def test_query_string_wins_over_body():
    p = Params([("job_ids", "3")], {"job_ids": [1, 2], "status": "FAILED"})
    assert p.int_list("job_ids") == [3]
    assert p.string("status") == "FAILED"


def test_body_scalar_where_a_list_is_expected_is_wrapped():
    assert Params([], {"job_ids": 5}).int_list("job_ids") == [5]


def test_non_integer_json_in_a_list_is_rejected():
    with pytest.raises(BadParameter, match='valid integer: "job_ids"'):
        Params([], {"job_ids": [1, {"a": 1}]}).int_list("job_ids")


def test_input_files_time_field_choices(http):
    r = http.get("/v6/jobs/1/input_files/", params={"time_field": "created"})
    assert r.status_code == 400
    assert r.json() == {"detail": 'Parameter "time_field" values must be one of: '
                                  "[u'source', u'data', u'last_modified']"}


def test_integers_beyond_64_bits_are_a_400_or_a_404(http):
    huge = str(2**64)
    r = http.get("/v6/jobs/", params={"job_id": huge})
    assert r.status_code == 400 and r.json() == {"detail": 'Parameter must be a valid integer: '
                                                           '"job_id"'}
    assert http.get(f"/v6/jobs/{huge}/").status_code == 404
    assert http.get(f"/v6/jobs/1/executions/{huge}/").status_code == 404
