"""A form generated from a job type's Seed manifest inputs, and the parsing of what was typed.

File inputs take Scale file ids (whole numbers, separated by commas or spaces; one unless the
input is ``multiple``). JSON inputs take a value of their declared JSON type, parsed here so
that a mistake is named beside its input before anything is sent. The widget never talks HTTP:
``collect()`` returns Scale's Data JSON (``{"files": ..., "json": ...}``) or the errors.
"""

from __future__ import annotations

import json
import math
import re
from typing import Any

from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Input, Label, Static

from scale_tui.api import ManifestInput
from scale_tui.api.numbers import whole_number
from scale_tui.core.sanitize import display_text
from scale_tui.widgets.styles import PlainStatic

_TRUE = ("true", "yes", "y", "1")
_FALSE = ("false", "no", "n", "0")
_JSON_HINTS = {
    "string": "text",
    "integer": "a whole number",
    "number": "a number",
    "boolean": "true or false",
    "object": 'a JSON object, e.g. {"key": 1}',
    "array": "a JSON array, e.g. [1, 2]",
}


def hint(spec: ManifestInput) -> str:
    """What the input expects, in words, for its label."""
    if spec.kind == "file":
        many = "file ids, separated by commas or spaces" if spec.multiple else "one file id"
        media = f"; {', '.join(spec.media_types)}" if spec.media_types else ""
        return many + media
    return _JSON_HINTS.get(spec.json_type or "", "any JSON value, or text")


def parse_value(spec: ManifestInput, text: str) -> Any:
    """The value for `spec` from `text`; None when left empty. ValueError names the input."""
    text = text.strip()
    if not text:
        if spec.required:
            raise ValueError(f"{spec.name}: required ({hint(spec)})")
        return None
    if spec.kind == "file":
        return _file_ids(spec, text)
    kind = spec.json_type
    if kind == "string":
        return text
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]+", text):
            raise ValueError(f"{spec.name}: {text!r} is not a whole number")
        return int(text)
    if kind == "number":
        try:
            value = float(text)
        except ValueError:
            raise ValueError(f"{spec.name}: {text!r} is not a number") from None
        if not math.isfinite(value):
            raise ValueError(f"{spec.name}: must be a finite number")
        return (
            int(value)
            if value.is_integer() and "." not in text and "e" not in text.lower()
            else value
        )
    if kind == "boolean":
        if text.lower() in _TRUE:
            return True
        if text.lower() in _FALSE:
            return False
        raise ValueError(f"{spec.name}: {text!r} is not true or false")
    if kind in ("object", "array"):
        try:
            value = json.loads(text)
        except ValueError as exc:
            raise ValueError(f"{spec.name}: not valid JSON ({exc})") from None
        expected = dict if kind == "object" else list
        if not isinstance(value, expected):
            raise ValueError(f"{spec.name}: must be {_JSON_HINTS[kind]}")
        return value
    try:  # no declared type: JSON if it parses, else the text itself
        return json.loads(text)
    except ValueError:
        return text


def _file_ids(spec: ManifestInput, text: str) -> list[int]:
    parts = [p for p in re.split(r"[,\s]+", text) if p]
    bad = [p for p in parts if not whole_number(p)]  # None, or 0: not a file id
    if bad:
        raise ValueError(f"{spec.name}: {bad[0]!r} is not a file id (file ids are whole numbers)")
    if len(parts) > 1 and not spec.multiple:
        raise ValueError(f"{spec.name}: takes one file, got {len(parts)}")
    return [int(p) for p in parts]


def build_data(specs: list[ManifestInput], texts: dict[str, str]) -> tuple[dict, dict[str, str]]:
    """Scale's Data JSON from the typed texts, and the errors by input name."""
    data: dict[str, dict] = {"files": {}, "json": {}}
    errors: dict[str, str] = {}
    for spec in specs:
        try:
            value = parse_value(spec, texts.get(spec.name, ""))
        except ValueError as exc:
            errors[spec.name] = str(exc)
            continue
        if value is not None:
            data["files" if spec.kind == "file" else "json"][spec.name] = value
    return data, errors


class ManifestForm(Vertical):
    """One labelled input per manifest input, with its error beneath it."""

    DEFAULT_CSS = """
    ManifestForm { height: auto; }
    ManifestForm .field-error { color: $error; height: auto; }
    ManifestForm .required { text-style: bold; }
    ManifestForm Input { margin-bottom: 0; }
    """

    def __init__(self, specs: list[ManifestInput], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.specs = specs

    def compose(self) -> ComposeResult:
        if not self.specs:
            yield PlainStatic("This job type takes no inputs.")
        for index, spec in enumerate(self.specs):
            mark = " (required)" if spec.required else " (optional)"
            # names, media types: the job type's manifest, server text
            label = Label(display_text(f"{spec.name}{mark}: {hint(spec)}"), markup=False)
            label.set_class(spec.required, "required")
            yield label
            yield Input(id=f"input-{index}", name=spec.name, placeholder=display_text(hint(spec)))
            yield PlainStatic("", id=f"error-{index}", classes="field-error")

    def texts(self) -> dict[str, str]:
        return {
            spec.name: self.query_one(f"#input-{i}", Input).value
            for i, spec in enumerate(self.specs)
        }

    def collect(self) -> tuple[dict | None, list[str]]:
        """The Data JSON, or None and the errors (also shown beside each input)."""
        data, errors = build_data(self.specs, self.texts())
        for index, spec in enumerate(self.specs):
            self.query_one(f"#error-{index}", Static).update(errors.get(spec.name, ""))
        if errors:
            first = next(i for i, s in enumerate(self.specs) if s.name in errors)
            self.query_one(f"#input-{first}", Input).focus()
            return None, list(errors.values())
        return data, []
