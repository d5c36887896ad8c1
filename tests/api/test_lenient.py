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


def test_a_page_read_in_one_pass_keeps_unknown_fields_at_every_depth():
    body = json.dumps({"count": 1, "results": [{
        "id": 4, "status": "FAILED", "cpus_required": "88.2", "created": "2026-01-01T00:00:00Z",
        "error": {"title": "Timeout", "origin": {"k": [1]}}}]}).encode()
    job = Page[Job].model_validate_json(body).results[0]
    dumped = job.model_dump(mode="json", by_alias=True)
    assert (dumped["cpus_required"], dumped["error"]["origin"]) == ("88.2", {"k": [1]})
    assert dumped["created"] == "2026-01-01T00:00:00Z" and job.model_extra == {
        "cpus_required": "88.2"}


def test_what_a_person_would_read_is_read_not_dropped():
    body = json.dumps({"count": "2", "results": [{
        "id": "7", "status": "RUNNING", "num_exes": "3", "is_superseded": "false",
        "input_file_size": "1.5", "started": "2026-01-01 10:00:00"}]}).encode()
    page = Page[Job].model_validate_json(body)
    job = page.results[0]
    assert (page.count, job.id, job.num_exes, job.is_superseded) == (2, 7, 3, False)
    assert job.input_file_size == 1.5 and job.started == datetime(2026, 1, 1, 10, tzinfo=UTC)


def test_deep_json_held_by_a_job_of_a_page_is_refused():
    from scale_tui.api.body import MAX_DEPTH, BodyError

    deep = "[" * MAX_DEPTH + "]" * MAX_DEPTH
    body = ('{"count": 1, "results": [{"id": 1, "status": "RUNNING", "input_files": {"a": '
            + deep + "}}]}")
    with pytest.raises(BodyError, match="nested deeper"):
        Page[Job].model_validate_json(body.encode())


def test_numbers_sent_as_text_are_read_by_the_one_whole_number_rule():
    # "12" and " -3 " read as a person would (pydantic's lax mode did too); digits are ASCII
    # only (api/numbers.py): Arabic-Indic "١٢" is not 12, nor is "1_000" a thousand.
    read = {text: Job.model_validate({"id": 1, "status": "RUNNING", "num_exes": text}).num_exes
            for text in ("12", " -3 ", "7.0", "7.5", "١٢", "1_000", "-+4")}
    assert read == {"12": 12, " -3 ": -3, "7.0": 7, "7.5": None, "١٢": None, "1_000": None,
                    "-+4": None}
