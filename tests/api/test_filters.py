"""JobFilter speaks Scale's dialect: repeated keys, UTC with Z, Scale-sized durations,
and the plural cancel/requeue body (docs/scale.md §0.1, §1 E7/E8, §3)."""

from __future__ import annotations

import copy
import pickle
from datetime import UTC, datetime, timedelta, timezone

import pytest

from scale_tui.api import InvalidFilter, JobFilter, format_duration, parse_time


def test_repeatable_filters_repeat_the_key_and_are_never_comma_joined():
    query = JobFilter(status=["FAILED", "RUNNING"], job_type_name=["sam", "cem"]).to_query()
    assert query == [
        ("status", "FAILED"),
        ("status", "RUNNING"),
        ("job_type_name", "sam"),
        ("job_type_name", "cem"),
    ]
    assert not any("," in value for _, value in query)


def test_every_get_parameter_has_a_field():
    jf = JobFilter(
        status="FAILED", job_id=[1, 2], job_type_id=3, job_type_name="sam",
        error_category="algorithm", error_id=4, batch_id=5, recipe_id=6,
        source_sensor_class="A", source_sensor="1", source_collection="12345",
        source_task="t", order=["-last_modified", "id"], is_superseded=False,
        started="2026-01-01T00:00:00Z", ended="2026-01-02T00:00:00Z",
        source_started="P2D", source_ended="P1D",
    )  # fmt: skip
    keys = [k for k, _ in jf.to_query()]
    assert keys == [
        "status", "job_id", "job_id", "job_type_id", "job_type_name", "error_category",
        "error_id", "batch_id", "recipe_id", "source_sensor_class", "source_sensor",
        "source_collection", "source_task", "order", "order", "is_superseded",
        "started", "ended", "source_started", "source_ended",
    ]  # fmt: skip
    assert ("error_category", "ALGORITHM") in jf.to_query()
    assert ("is_superseded", "false") in jf.to_query()


def test_timestamps_are_sent_in_utc_with_z_whatever_zone_was_typed():
    jf = JobFilter(started="2026-03-01T12:00:00+02:00", ended="2026-03-01T08:30:00.25-05:00")
    query = dict(jf.to_query())
    assert query["started"] == "2026-03-01T10:00:00Z"
    assert query["ended"] == "2026-03-01T13:30:00.250000Z"
    assert "+" not in query["started"]


def test_aware_datetimes_are_accepted_and_naive_ones_refused():
    tz = timezone(timedelta(hours=5, minutes=30))
    jf = JobFilter(started=datetime(2026, 1, 1, 5, 30, tzinfo=tz))
    assert dict(jf.to_query())["started"] == "2026-01-01T00:00:00Z"
    with pytest.raises(InvalidFilter, match=r"started: datetime has no timezone"):
        JobFilter(started=datetime(2026, 1, 1))


@pytest.mark.parametrize(
    ("typed", "sent"),
    [("PT1H", "PT1H"), ("P1D", "P1D"), ("PT0.5H", "PT30M"), ("pt6h", "PT6H"),
     ("1h", "PT1H"), ("7d", "P7D"), ("90m", "PT1H30M"), ("P1DT2H", "P1DT2H"), ("PT0S", "PT0S")],
)  # fmt: skip
def test_relative_windows_are_sent_as_scale_durations(typed, sent):
    assert dict(JobFilter(started=typed).to_query())["started"] == sent


@pytest.mark.parametrize(
    ("typed", "complaint"),
    [
        ("P1W", "weeks are not accepted"),
        ("P2W", "weeks are not accepted"),
        ("P1M", "months are not accepted"),
        ("P1Y", "years are not accepted"),
        ("-PT1H", "negative durations"),
        ("2w", "weeks are not accepted"),
        ("3mo", "months are not accepted"),
        ("1y", "years are not accepted"),
        ("PT1X", "expected P[nD][T[nH][nM][nS]]"),
        ("2026-01-01T00:00:00", "has no timezone"),
        ("2026-01-01", "invalid datetime"),
        ("yesterday", "invalid datetime"),
        ("", "empty value"),
    ],
)
def test_values_real_scale_rejects_are_refused_before_any_request(typed, complaint):
    with pytest.raises(InvalidFilter, match=r"^started: .*" + complaint.replace("[", r"\[")):
        JobFilter(started=typed)


def test_invalid_filter_is_a_value_error_naming_the_field():
    with pytest.raises(ValueError, match=r"^ended: "):
        parse_time("P1W", field="ended")
    with pytest.raises(InvalidFilter, match=r"^job_id: .*'seven'"):
        JobFilter(job_id=["seven"])
    with pytest.raises(InvalidFilter, match=r"^status: unknown value 'DONE'"):
        JobFilter(status=["DONE"])
    with pytest.raises(InvalidFilter, match=r"^frobnicate: "):
        JobFilter(frobnicate=1)


def test_assignment_is_validated_too():
    jf = JobFilter()
    with pytest.raises(InvalidFilter, match="months"):
        jf.started = "P3M"
    jf.status = ["failed"]
    assert jf.status == ["FAILED"]
    assert jf.replace(started="PT2H").started == timedelta(hours=2)
    with pytest.raises(InvalidFilter, match="weeks"):
        jf.replace(started="P1W")


def test_time_ranges_must_run_forward_as_scale_checks():
    with pytest.raises(InvalidFilter, match="started must come before ended"):
        JobFilter(started="2026-01-02T00:00:00Z", ended="2026-01-01T00:00:00Z")
    with pytest.raises(InvalidFilter, match="must be different"):
        JobFilter(started="2026-01-01T00:00:00Z", ended="2026-01-01T00:00:00Z")
    # Relative: two hours ago comes before one hour ago.
    assert JobFilter(started="PT2H", ended="PT1H").ended == timedelta(hours=1)
    with pytest.raises(InvalidFilter, match="source_started must come before source_ended"):
        JobFilter(source_started="PT1H", source_ended="PT2H")


def test_malformed_order_is_refused_because_scale_answers_it_with_500():
    with pytest.raises(InvalidFilter, match=r"order: 'status,id'"):
        JobFilter(order=["status,id"])


def test_action_body_uses_plural_names_and_one_status():
    body = JobFilter(
        status=["FAILED"], job_id=[1, 2], job_type_id=[3], job_type_name=["sam"],
        error_category=["DATA"], error_id=[9], batch_id=[4], recipe_id=[5],
        is_superseded=False, started="PT1H", ended="2030-01-01T00:00:00Z", order=["id"],
    ).to_action_body()  # fmt: skip
    assert body == {
        "status": "FAILED",
        "job_ids": [1, 2],
        "job_type_ids": [3],
        "job_type_names": ["sam"],
        "error_categories": ["DATA"],
        "error_ids": [9],
        "batch_ids": [4],
        "recipe_ids": [5],
        "is_superseded": False,
        "started": "PT1H",
        "ended": "2030-01-01T00:00:00Z",
    }


def test_action_body_refuses_what_the_body_cannot_express():
    with pytest.raises(InvalidFilter, match=r"^status: cancel/requeue accept a single status"):
        JobFilter(status=["FAILED", "CANCELED"]).to_action_body()
    for field in ("source_sensor_class", "source_sensor", "source_collection", "source_task"):
        with pytest.raises(InvalidFilter, match=f"^{field}: "):
            JobFilter(**{field: ["x"]}).to_action_body()
    with pytest.raises(InvalidFilter, match=r"^source_started: "):
        JobFilter(source_started="PT1H").to_action_body()


def test_empty_filter_means_every_job():
    assert JobFilter().is_empty()
    assert JobFilter(order=["-id"]).is_empty()
    assert JobFilter().to_action_body() == {}
    assert JobFilter().describe() == "every job"
    assert not JobFilter(is_superseded=False).is_empty()
    assert not JobFilter(started="PT1H").is_empty()
    assert not JobFilter(source_task=["t"]).is_empty()


def test_describe_reads_as_words():
    jf = JobFilter(status=["FAILED"], job_type_name=["sam"], started="1h")
    assert jf.describe() == "status FAILED, job type sam, last modified in the last 1h"
    both = JobFilter(
        status=["FAILED", "RUNNING"], batch_id=[7], is_superseded=True,
        started="2026-01-01T00:00:00Z", ended="2026-01-02T06:00:00Z",
    )  # fmt: skip
    assert both.describe() == (
        "status FAILED or RUNNING, batch 7, superseded, "
        "last modified since 2026-01-01 00:00:00 UTC, last modified until 2026-01-02 06:00:00 UTC"
    )


def test_describe_lists_many_values_briefly():
    assert JobFilter(job_id=[1, 2, 3]).describe() == "job 1, 2 or 3"
    many = JobFilter(job_id=list(range(1, 21))).describe()
    assert many == "job 1, 2, 3, 4, 5, 6, 7 or 8 (+12 more)"


def test_parse_time_gives_durations_and_utc_datetimes():
    assert parse_time("P1DT0.5H") == timedelta(days=1, minutes=30)
    assert parse_time("P") == timedelta(0)  # Scale reads a bare P as "now"
    assert parse_time("2026-05-01 10:00Z") == datetime(2026, 5, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("delta", "text"),
    [(timedelta(0), "PT0S"), (timedelta(seconds=0.5), "PT0.5S"), (timedelta(days=30), "P30D"),
     (timedelta(days=2, hours=3, minutes=4, seconds=5), "P2DT3H4M5S")],
)  # fmt: skip
def test_format_duration_round_trips_through_scale_grammar(delta, text):
    assert format_duration(delta) == text
    assert parse_time(text) == delta


def test_filter_survives_a_json_round_trip_for_saved_state():
    jf = JobFilter(status=["FAILED"], started="PT6H", ended="2026-01-01T00:00:00Z")
    again = JobFilter(**jf.model_dump(mode="json"))
    assert again == jf


@pytest.mark.parametrize(
    ("values", "complaint"),
    [({"started": 3600}, r"^started: expected a datetime"),  # seconds? a Unix time? unknowable
     ({"ended": datetime(2026, 1, 1).date()}, r"^ended: expected a datetime"),
     ({"job_id": True}, r"^job_id: not a whole number \(got True\)"),
     ({"batch_id": ["1_000"]}, r"^batch_id: not a whole number"),  # api/numbers.py's rule
     ({"recipe_id": [7.5]}, r"^recipe_id: not a whole number"),
     ({"job_type_name": [b"sam"]}, r"^job_type_name: not text"),
     ({"is_superseded": "maybe"}, r"^is_superseded: not true or false"),
     ({"status": {"FAILED": 1}}, r"^status: expected a value or a list")],
)  # fmt: skip
def test_values_that_cannot_be_read_are_refused_naming_the_field(values, complaint):
    with pytest.raises(InvalidFilter, match=complaint):
        JobFilter(**values)


def test_a_refused_assignment_leaves_the_filter_as_it_was():
    jf = JobFilter(ended="PT1H")
    with pytest.raises(InvalidFilter, match="started must come before ended"):
        jf.started = "PT30M"
    assert jf.started is None and jf == JobFilter(ended="PT1H")
    with pytest.raises(InvalidFilter, match=r"^frobnicate: not a job filter field"):
        jf.frobnicate = 1


def test_a_copied_or_pickled_filter_is_an_equal_filter():
    jf = JobFilter(status=["FAILED"], job_id=[4, 5], started="PT6H", is_superseded=False)
    for again in (copy.copy(jf), copy.deepcopy(jf), pickle.loads(pickle.dumps(jf))):
        assert again == jf and again.job_id is not jf.job_id
