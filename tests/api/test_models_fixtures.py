"""Every payload Scale's own web UI was built against parses, and reads as the real values."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from scale_tui.api import (
    Batch,
    ExecutionDetails,
    Job,
    JobDetails,
    JobType,
    JobTypeDetails,
    JobTypeName,
    JobTypeQueued,
    JobTypeRunning,
    Page,
    Recipe,
)

FIXTURES = Path(__file__).parents[1] / "fixtures" / "scale-ui"
# Which model reads which file; every .json file must be listed (checked below).
MODEL_OF = {
    "jobs.json": Page[Job],
    "job-execution.json": ExecutionDetails,
    "job-types.json": Page[JobType],
    "job-type-names.json": Page[JobTypeName],
    "queueStatus.json": Page[JobTypeQueued],
    "running-jobs.json": Page[JobTypeRunning],
    "recipes.json": Page[Recipe],
    "batches.json": Page[Batch],
    "batch-details.json": Batch,
    "job-details": JobDetails,
    "job-type-details": JobTypeDetails,
}
ALL_FILES = sorted(p.relative_to(FIXTURES).as_posix() for p in FIXTURES.rglob("*.json"))


def load(name: str):
    return json.loads((FIXTURES / name).read_text())


def model_for(name: str):
    return MODEL_OF[name.split("/")[0]]


def test_every_fixture_file_has_a_model():
    assert len(ALL_FILES) >= 39
    assert not [name for name in ALL_FILES if name.split("/")[0] not in MODEL_OF]


@pytest.mark.parametrize("name", ALL_FILES)
def test_every_fixture_parses_and_keeps_unknown_fields(name):
    raw = load(name)
    parsed = model_for(name).model_validate(raw)
    dumped = parsed.model_dump(by_alias=True)
    # Nothing Scale sent is lost: every top-level key survives, known or not.
    assert set(raw) <= set(dumped)


def test_job_list_reads_ids_statuses_and_job_types():
    page = Page[Job].model_validate(load("jobs.json"))
    # The file's count (12) disagrees with its 13 results: both are kept as sent.
    assert page.count == 12
    assert len(page.results) == 13
    assert page.next.startswith("http://localhost/api/jobs/")
    first, last = page.results[0], page.results[-1]
    assert (first.id, first.status, first.job_type_label) == (
        1,
        "COMPLETED",
        "landsat8-parse 1.0.0",
    )
    assert (last.id, last.status) == (13, "RUNNING")
    assert [j.status for j in page.results].count("QUEUED") == 2
    assert first.node.hostname == "scale.dcos.aisohio.node1"
    assert first.recipe.recipe_type.name == "landsat8"
    assert first.batch.title == "My Batch"
    # Resource fields arrive as strings in this file; they are kept as sent.
    assert first.model_extra["cpus_required"] == "88.2"
    assert first.duration == timedelta(minutes=9, seconds=51)
    assert first.last_modified == datetime(2018, 1, 16, 15, 56, 11, tzinfo=UTC)


def test_job_details_read_revision_manifest_execution_and_data():
    job = JobDetails.model_validate(load("job-details/job-details1.json"))
    assert (job.id, job.status, job.num_exes) == (1, "COMPLETED", 1)
    assert job.job_type.name == "landsat8-parse"
    assert job.job_type_rev.docker_image.startswith("10.4.4.10:5000/landsat8-parse")
    assert [i.name for i in job.job_type_rev.inputs] == ["infile"]
    assert job.execution.exe_num == 1
    assert job.execution.cluster_id == "scale_job_1234_263x0"
    assert job.execution.node.hostname == "machine.com"
    assert job.execution.duration == timedelta(seconds=1, microseconds=412000)
    assert job.input.files == {"infile": [1]}
    assert job.input.json_["example"] == "this is an example string input"
    assert set(job.output.files) == {"multispectral", "panchromatic", "thermal"}
    assert job.resources["resources"]["mem"] == 128.0
    assert job.configuration == {"priority": 50}
    assert job.batch.id == 105
    assert job.superseded_by_job is None
    assert job.created.tzinfo is not None


def test_failed_job_details_give_error_text():
    job = JobDetails.model_validate(load("job-details/job-details10.json"))
    assert job.status == "FAILED"
    assert job.error_text == "SYSTEM: Unknown"
    assert job.error.is_builtin is True
    assert job.execution.error.name == "unknown"


def test_older_v5_job_details_do_not_crash_and_keep_their_data():
    job = JobDetails.model_validate(load("job-details/job-details11.json"))
    assert (job.id, job.status) == (11, "RUNNING")
    # v5 input is {"version", "input_data"}: no v6 files/json, but nothing is lost.
    assert job.input.files == {}
    assert job.input.model_extra["input_data"] == [{"name": "input_file", "file_id": 8480}]
    # v5 executions have no exe_num.
    assert job.execution.id == 14552
    assert job.execution.exe_num is None


def test_job_details_14_carries_id_13_and_reads_optional_json_input():
    job = JobDetails.model_validate(load("job-details/job-details14.json"))
    assert job.id == 13
    inputs = {i.name: i for i in job.job_type_rev.inputs}
    assert inputs["INPUT_JSON"].kind == "json"
    assert inputs["INPUT_JSON"].required is False
    assert inputs["input_file"].kind == "file"


def test_v5_execution_reads_its_error_and_node():
    exe = ExecutionDetails.model_validate(load("job-execution.json"))
    assert (exe.id, exe.status) == (3, "FAILED")
    assert exe.job.id == 3
    assert exe.error.name == "unknown"
    assert exe.node.hostname == "machine.com"
    assert exe.exe_num is None


def test_job_type_list_and_names():
    types = Page[JobType].model_validate(load("job-types.json"))
    assert types.count == 12 and len(types.results) == 15
    assert types.results[0].label == "landsat8-parse 1.0.0"
    assert types.results[0].unmet_resources == "cpu,mem,disk"
    names = Page[JobTypeName].model_validate(load("job-type-names.json"))
    sam = next(n for n in names.results if n.name == "sam")
    assert sam.versions == ["1.0"] and sam.latest_version == "1.0"


@pytest.mark.parametrize(
    ("name", "inputs"),
    [
        ("sam1.0.json", [("image", "file", True), ("signature", "file", True)]),
        ("optional-json1.0.0.json", [("input_file", "file", True), ("INPUT_JSON", "json", False)]),
        ("no-input1.0.0.json", []),
        # landsat8-parse declares a json input without a name: it cannot be supplied.
        ("landsat8-parse1.0.0.json", [("infile", "file", True)]),
    ],
)
def test_job_type_details_list_manifest_inputs(name, inputs):
    details = JobTypeDetails.model_validate(load(f"job-type-details/{name}"))
    assert [(i.name, i.kind, i.required) for i in details.inputs] == inputs
    assert details.manifest["job"]["name"] == details.name


def test_sam_job_type_details():
    sam = JobTypeDetails.model_validate(load("job-type-details/sam1.0.json"))
    assert (sam.id, sam.name, sam.version) == (2, "sam", "1.0")
    assert sam.docker_image == "10.4.4.10:5000/sam:1.0"
    assert sam.inputs[0].media_types == ["image/nitf"]
    assert sam.unmet_resources is None


def test_queue_and_running_counts_per_job_type():
    queued = Page[JobTypeQueued].model_validate(load("queueStatus.json"))
    assert queued.results[0].job_type.name == "landsat8-parse"
    assert queued.results[0].count == 24
    running = Page[JobTypeRunning].model_validate(load("running-jobs.json"))
    assert running.count == 2 and len(running.results) == 103
    assert running.results[0].count == 41


def test_recipes_and_batches():
    recipes = Page[Recipe].model_validate(load("recipes.json"))
    assert recipes.results[0].recipe_type.name == "landsat8"
    assert recipes.results[0].is_completed is True
    batches = Page[Batch].model_validate(load("batches.json"))
    assert batches.count == 11 and batches.results[0].id == 16
    batch = Batch.model_validate(load("batch-details.json"))
    assert (batch.id, batch.title, batch.is_superseded) == (105, "My Batch", True)
    assert batch.model_extra["superseded_batch"]["id"] == 1233
