"""Values typed into the queue-job form become Scale Data JSON, or a message naming the input."""

from __future__ import annotations

import pytest

from scale_tui.api import JobTypeDetails, ManifestInput
from scale_tui.widgets.manifest_form import build_data, hint, parse_value


def file_input(multiple=False, required=True):
    return ManifestInput(name="image", kind="file", multiple=multiple, required=required)


def json_input(json_type, required=True):
    return ManifestInput(name="THRESHOLD", kind="json", json_type=json_type, required=required)


def test_file_ids_accept_commas_and_spaces_when_multiple():
    assert parse_value(file_input(multiple=True), "12, 13 14,15") == [12, 13, 14, 15]


@pytest.mark.parametrize(
    ("spec", "text", "message"),
    [
        (file_input(), "12 13", "image: takes one file, got 2"),
        (file_input(multiple=True), "12, x7", "image: 'x7' is not a file id"),
        (file_input(), "0", "image: '0' is not a file id"),
        (file_input(), "", "image: required (one file id)"),
        (json_input("integer"), "1.5", "THRESHOLD: '1.5' is not a whole number"),
        (json_input("number"), "abc", "THRESHOLD: 'abc' is not a number"),
        (json_input("number"), "nan", "THRESHOLD: must be a finite number"),
        (json_input("boolean"), "maybe", "THRESHOLD: 'maybe' is not true or false"),
        (json_input("object"), "[1]", "THRESHOLD: must be a JSON object"),
        (json_input("object"), "{bad", "THRESHOLD: not valid JSON"),
        (json_input("array"), '{"a": 1}', "THRESHOLD: must be a JSON array"),
    ],
)
def test_bad_values_are_named(spec, text, message):
    with pytest.raises(ValueError, match="^" + message.replace("(", r"\(").replace(")", r"\)")):
        parse_value(spec, text)


@pytest.mark.parametrize(
    ("json_type", "text", "value"),
    [
        ("string", "  hello world ", "hello world"),
        ("integer", "-4", -4),
        ("number", "2.5", 2.5),
        ("number", "3", 3),
        ("boolean", "Yes", True),
        ("boolean", "false", False),
        ("object", '{"a": [1, 2]}', {"a": [1, 2]}),
        ("array", "[1, 2]", [1, 2]),
        (None, "[1]", [1]),
        (None, "plain text", "plain text"),
    ],
)
def test_json_values_are_typed(json_type, text, value):
    assert parse_value(json_input(json_type), text) == value


def test_optional_inputs_left_empty_are_not_sent():
    specs = [file_input(), json_input("string", required=False)]
    data, errors = build_data(specs, {"image": "5", "THRESHOLD": ""})
    assert (data, errors) == ({"files": {"image": [5]}, "json": {}}, {})


def test_form_of_a_real_manifest(scale_ui_fixture):
    details = JobTypeDetails.model_validate(
        scale_ui_fixture("job-type-details/optional-json1.0.0.json")
    )
    specs = details.inputs
    assert [(s.name, s.kind, s.required) for s in specs] == [
        ("input_file", "file", True),
        ("INPUT_JSON", "json", False),
    ]
    assert hint(specs[0]) == "one file id; application/octet-stream"
    _, errors = build_data(specs, {"input_file": "", "INPUT_JSON": "x"})
    assert errors == {"input_file": "input_file: required (one file id; application/octet-stream)"}
