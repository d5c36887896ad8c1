"""A value that does not fit costs that one field, never the payload (lenient models)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from scale_tui.api import Job, JobDetails, JobTypeName, Page
from scale_tui.api.lenient import ValidationError


def test_misfits_become_none_and_everything_else_is_read():
    job = Job.model_validate({
        "id": 5, "status": "FAILED", "job_type": "sam 1.0", "num_exes": "many",
        "created": "last tuesday", "node": {"id": "x", "hostname": "n1"},
        "error": {"category": "DATA", "title": "Bad input"},
    })  # fmt: skip
    assert (job.id, job.status, job.error_text) == (5, "FAILED", "DATA: Bad input")
    assert job.job_type is None and job.job_type_label == ""
    assert job.num_exes is None and job.created is None
    assert job.node.id is None and job.node.hostname == "n1"


def test_a_list_of_the_wrong_items_is_dropped_as_a_whole():
    name = JobTypeName.model_validate({"name": "sam", "versions": [1, {"v": 2}]})
    assert name.name == "sam" and name.versions is None


def test_one_odd_job_does_not_cost_the_page():
    page = Page[Job].model_validate({
        "count": 2, "results": [{"id": 1, "status": "RUNNING"},
                                {"id": 2, "status": "QUEUED", "max_tries": [3]}],
    })  # fmt: skip
    assert [j.status for j in page.results] == ["RUNNING", "QUEUED"]
    assert page.results[1].max_tries is None


def test_a_job_without_id_is_still_an_error_naming_it():
    with pytest.raises(ValidationError) as caught:
        Page[Job].model_validate({"count": 1, "results": [{"status": "RUNNING"}]})
    assert caught.value.errors()[0]["loc"] == ("results", 0, "id")


def test_naive_timestamps_are_utc_and_offsets_are_kept_aware():
    job = Job.model_validate({"id": 1, "status": "RUNNING", "created": "2026-01-01T10:00:00",
                              "last_modified": "2026-01-01T12:00:00+02:00"})  # fmt: skip
    assert job.created == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert job.last_modified == datetime(2026, 1, 1, 10, tzinfo=UTC)


def test_invalid_utf8_in_a_payload_is_replaced_not_raised():
    raw = json.dumps({"id": 3, "status": "FAILED", "source_task": "MARK"}).encode()
    job = JobDetails.model_validate_json(raw.replace(b"MARK", b"t\xffsk"))
    assert (job.id, job.source_task) == (3, "t\ufffdsk")


def test_read_timestamp_reads_raw_task_times_as_the_models_do():
    from datetime import UTC, datetime

    from scale_tui.api.lenient import read_timestamp

    assert read_timestamp("2026-01-01T00:05:12.123456Z") == datetime(2026, 1, 1, 0, 5, 12,
                                                                     123456, tzinfo=UTC)
    assert read_timestamp("2026-01-01T00:05:12") == datetime(2026, 1, 1, 0, 5, 12, tzinfo=UTC)
    for misfit in (None, 1767225912, "1767225912", "soon", {"t": 1}):
        assert read_timestamp(misfit) is None
