"""Job type models, and the inputs a job type's Seed manifest declares.

``JobTypeBase`` is what jobs and executions embed, ``JobTypeRevision`` the revision a job runs.
The job type pages' own models (``JobType``, ``JobTypeDetails``, ``JobTypeName``, queue and
running counts) are in ``job_type_models``, built only when first used (issue 15).
"""

import re
from typing import Any, Literal, TypeVar

import msgspec

from scale_tui.api.lenient import Lenient, ScaleModel, Timestamp
from scale_tui.api.numbers import whole_number


class JobTypeBase(ScaleModel, kw_only=True):
    """The job type fields embedded in jobs and executions."""

    id: Lenient[int] = None
    name: Lenient[str] = None
    version: Lenient[str] = None
    title: Lenient[str] = None
    description: Lenient[str] = None
    is_active: Lenient[bool] = None
    is_system: Lenient[bool] = None
    is_paused: Lenient[bool] = None
    is_published: Lenient[bool] = None
    icon_code: Lenient[str] = None
    # Scale sends a comma-separated string such as "cpu,mem,disk", or null.
    unmet_resources: Lenient[str] = None

    @property
    def label(self) -> str:
        """``"name version"``: how Scale users name a job type."""
        return " ".join(part for part in (self.name, self.version) if part)


J = TypeVar("J", bound=JobTypeBase)


def version_key(version: str | None) -> tuple:
    """Orders versions as numbers where they are numbers: ``0.9.0 < 1.2.0 < 1.10.0``, and
    ``1.0.0-rc1`` before ``1.0.0`` (a pre-release sorts below its release, as in semver)."""
    text = version or ""
    main, _, pre = text.partition("-")
    numbers = [(p, whole_number(p)) for p in re.split(r"[.+]", main) if p]
    parts = tuple((1, 0, p) if n is None else (0, n, "") for p, n in numbers)
    return (parts, 0 if pre else 1, pre)


def newest_versions_first(job_types: list[J]) -> list[J]:
    """By name (A to Z), and within a name every version, newest first."""
    by_version = sorted(job_types, key=lambda t: version_key(t.version), reverse=True)
    return sorted(by_version, key=lambda t: (t.name or "").lower())  # stable: keeps versions


class ManifestInput(msgspec.Struct, kw_only=True):
    """One input a job type's Seed manifest declares: what a queue-job form asks for."""

    name: str
    kind: Literal["file", "json"]
    required: bool = True
    multiple: bool = False
    media_types: list[str] = msgspec.field(default_factory=list)
    json_type: str | None = None


def manifest_inputs(manifest: dict[str, Any] | None) -> list[ManifestInput]:
    """The inputs of a Seed manifest (``job.interface.inputs.files`` and ``.json``).

    Seed defaults ``required`` to true. Entries without a name cannot be supplied and are skipped.
    """
    interface = ((manifest or {}).get("job") or {}).get("interface") or {}
    inputs = interface.get("inputs") or {}
    found: list[ManifestInput] = []
    for kind in ("files", "json"):
        entries = inputs.get(kind) or []
        for entry in entries if isinstance(entries, list) else []:
            if not isinstance(entry, dict) or not isinstance(entry.get("name"), str):
                continue
            found.append(
                ManifestInput(
                    name=entry["name"],
                    kind="file" if kind == "files" else "json",
                    required=entry.get("required", True) is not False,
                    multiple=bool(entry.get("multiple", False)),
                    media_types=[m for m in entry.get("mediaTypes") or [] if isinstance(m, str)],
                    json_type=entry.get("type") if kind == "json" else None,
                )
            )
    return found


class JobTypeRevision(ScaleModel, kw_only=True):
    """The revision of a job type a job runs (in job details: with docker image and manifest)."""

    id: Lenient[int] = None
    job_type: Lenient[JobTypeBase] = None
    revision_num: Lenient[int] = None
    docker_image: Lenient[str] = None
    created: Timestamp = None
    manifest: Lenient[dict[str, Any]] = None

    @property
    def inputs(self) -> list[ManifestInput]:
        return manifest_inputs(self.manifest)
