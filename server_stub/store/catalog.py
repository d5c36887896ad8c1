"""The fixed reference data of the stub cluster: job types, errors, nodes, workspaces, batches.

These rarely change on a real cluster and never change here, so they live in memory and the job
rows point at them by id. Job types come from the real Seed manifests in ``data/job-types``.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources

from server_stub.store.timefmt import FIXED_EPOCH_US, US

# The stub's own choices of state for the manifest job types (the files all say active/unpaused);
# a console must show inactive and paused types, so a few are made so here.
INACTIVE_TYPES = {"caffe-aircraft-detection"}
PAUSED_TYPES = {"wv2-ortho"}
DEFAULT_MAX_TRIES = 3  # Scale's default when a manifest gives no maxTries
DEFAULT_PRIORITY = 100


@dataclass
class JobType:
    raw: dict

    @property
    def id(self) -> int:
        return self.raw["id"]

    @property
    def name(self) -> str:
        return self.raw["name"]

    @property
    def version(self) -> str:
        return self.raw["version"]

    @property
    def manifest(self) -> dict:
        return self.raw["manifest"]

    @property
    def interface(self) -> dict:
        return self.manifest["job"].get("interface", {})

    @property
    def file_inputs(self) -> list[dict]:
        return [i for i in self.interface.get("inputs", {}).get("files", []) if "name" in i]

    @property
    def json_inputs(self) -> list[dict]:
        return [i for i in self.interface.get("inputs", {}).get("json", []) if "name" in i]

    @property
    def output_files(self) -> list[dict]:
        return [o for o in self.interface.get("outputs", {}).get("files", []) if "name" in o]

    @property
    def max_tries(self) -> int:
        return self.manifest["job"].get("maxTries") or DEFAULT_MAX_TRIES

    @property
    def timeout(self) -> int:
        return self.manifest["job"].get("timeout") or 1800

    @property
    def resources(self) -> dict:
        scalar = self.manifest["job"].get("resources", {}).get("scalar", [])
        found = {r["name"]: float(r["value"]) for r in scalar}
        return {"cpus": found.get("cpus", 1.0), "mem": found.get("mem", 128.0),
                "disk": found.get("disk", 1.0), **{k: v for k, v in found.items()
                                                   if k not in ("cpus", "mem", "disk")}}

    @cached_property
    def configuration(self) -> dict:
        """The type's configuration with Scale's defaults filled in (what jobs inherit)."""
        conf = copy.deepcopy(self.raw.get("configuration") or {})
        conf.setdefault("mounts", {})
        conf.setdefault("output_workspaces", {"default": "products"})
        conf.setdefault("priority", DEFAULT_PRIORITY)
        conf.setdefault("settings", {})
        conf["output_workspaces"].setdefault("outputs", {})
        return conf

    @cached_property
    def base(self) -> dict:
        r = self.raw
        return {"id": r["id"], "name": r["name"], "version": r["version"], "title": r["title"],
                "description": r["description"], "is_active": r["is_active"],
                "is_system": r["is_system"], "is_paused": r["is_paused"],
                "is_published": r["is_published"], "icon_code": r["icon_code"],
                "unmet_resources": r["unmet_resources"]}

    @cached_property
    def listing(self) -> dict:
        """``JobTypeSerializerV6``: the base plus the scheduling fields, no manifest."""
        r = self.raw
        return {**self.base, "max_scheduled": r["max_scheduled"], "max_tries": self.max_tries,
                "revision_num": r["revision_num"], "docker_image": r["docker_image"],
                "created": r["created"], "deprecated": r["deprecated"], "paused": r["paused"],
                "last_modified": r["last_modified"]}

    @cached_property
    def details(self) -> dict:
        return {**self.listing, "manifest": self.manifest, "configuration": self.configuration}


@dataclass(frozen=True)
class Error:
    id: int
    name: str
    title: str
    description: str
    category: str
    should_be_retried: bool
    job_type_name: str | None = None

    @property
    def is_builtin(self) -> bool:
        return self.job_type_name is None

    def as_json(self) -> dict:
        return {"id": self.id, "name": self.name, "title": self.title,
                "description": self.description, "job_type_name": self.job_type_name,
                "category": self.category, "is_builtin": self.is_builtin,
                "should_be_retried": self.should_be_retried}


# Scale's built-in job errors (scale/job/fixtures/basic_job_errors.json), with their retry flags.
_BUILTIN = [
    ("task-launch", "Task Launch", "Failed to launch the task", "SYSTEM", True),
    ("docker-task-launch", "Docker Task Launch", "Docker failed to launch the task", "SYSTEM",
     True),
    ("docker-terminated", "Docker Terminated", "Docker terminated the task", "SYSTEM", True),
    ("node-lost", "Node Lost", "The node running the task was lost", "SYSTEM", True),
    ("resource-starvation", "Resource Starvation", "The task ran out of resources", "SYSTEM", True),
    ("launch-timeout", "Launch Timeout", "The task timed out while launching", "SYSTEM", True),
    ("pull-timeout", "Pull Timeout", "The Docker image pull timed out", "SYSTEM", True),
    ("pre-timeout", "Pre-Task Timeout", "The pre-task timed out", "SYSTEM", True),
    ("post-timeout", "Post-Task Timeout", "The post-task timed out", "SYSTEM", True),
    ("system-timeout", "System Timeout", "A system task timed out", "SYSTEM", True),
    ("pull", "Docker Pull", "Failed to pull the Docker image", "SYSTEM", True),
    ("missing-setting", "Missing Setting", "A required setting was not provided", "SYSTEM", False),
    ("missing-mount", "Missing Mount", "A required mount was not provided", "SYSTEM", False),
    ("timeout", "Timeout", "The algorithm ran longer than its timeout", "ALGORITHM", False),
    ("algorithm-unknown", "Algorithm Unknown", "The algorithm failed with an unmapped exit code",
     "ALGORITHM", False),
    ("invalid-results-manifest", "Invalid Results Manifest",
     "The algorithm wrote an invalid results manifest", "ALGORITHM", False),
    ("missing-required-output", "Missing Required Output",
     "The algorithm did not produce a required output", "ALGORITHM", False),
    ("unexpected-multiple-outputs", "Unexpected Multiple Outputs",
     "The algorithm produced several files for a single-file output", "ALGORITHM", False),
]
# Seed manifests say "job" or "data"; Scale stores them as ALGORITHM or DATA.
_SEED_CATEGORY = {"job": "ALGORITHM", "data": "DATA"}

NODES = [{"id": i, "hostname": f"scale-agent-{i:02d}.cluster.local"} for i in range(1, 13)]
WORKSPACES = [{"id": 1, "name": "raw"}, {"id": 2, "name": "products"}, {"id": 3, "name": "rs"}]
BATCHES = [{"id": i, "title": title, "description": desc,
            "created": FIXED_EPOCH_US - (20 - i) * 86_400 * US}
           for i, (title, desc) in enumerate([
               ("Reprocess Landsat 8 Q3", "Reprocessing of Q3 scenes after calibration update"),
               ("WV2 backlog", "Catch-up of WorldView-2 scenes from the outage"),
               ("Detector regression", "Rerun of SAM/CEM detections with new signatures"),
           ], start=1)]
# A batch's configuration priority (Scale's BatchConfiguration), used when a job of the batch is
# requeued without a priority. Kept apart from BATCHES, which is what the job list shows.
BATCH_PRIORITY = {2: 50}  # the WorldView-2 backlog goes ahead of the default 100
RECIPE_TYPES = [
    {"id": 1, "name": "landsat8-pipeline", "title": "Landsat 8 Pipeline",
     "description": "Parse, correct and orthorectify a Landsat 8 scene", "revision_num": 2},
    {"id": 2, "name": "wv2-pipeline", "title": "WorldView-2 Pipeline",
     "description": "Parse and correct a WorldView-2 scene", "revision_num": 1},
]


@dataclass
class Catalog:
    job_types: dict[int, JobType] = field(default_factory=dict)
    errors: dict[int, Error] = field(default_factory=dict)

    @classmethod
    def load(cls) -> Catalog:
        catalog = cls()
        folder = resources.files("server_stub") / "data" / "job-types"
        raws = sorted((json.loads(p.read_text()) for p in folder.iterdir()
                       if p.name.endswith(".json")), key=lambda r: r["id"])
        older = copy.deepcopy(next(r for r in raws if r["name"] == "landsat8-parse"))
        # An older, retired version of a type, so that name filters match several versions.
        older.update(id=max(r["id"] for r in raws) + 1, version="0.9.0", is_active=False,
                     deprecated="2025-06-01T00:00:00Z", docker_image="landsat8-parse:0.9.0")
        older["manifest"] = copy.deepcopy(older["manifest"])
        older["manifest"]["job"]["jobVersion"] = "0.9.0"
        raws.append(older)
        for raw in raws:
            if raw["name"] in INACTIVE_TYPES:
                raw.update(is_active=False, deprecated="2025-10-01T00:00:00Z")
            if raw["name"] in PAUSED_TYPES:
                raw.update(is_paused=True, paused="2025-12-20T08:00:00Z")
            catalog.job_types[raw["id"]] = JobType(raw)
        for i, (name, title, desc, cat, retry) in enumerate(_BUILTIN, start=1):
            catalog.errors[i] = Error(i, name, title, desc, cat, retry)
        next_id = len(_BUILTIN) + 1
        for jt in catalog.job_types.values():
            if not jt.raw["is_active"] and jt.name == "landsat8-parse":
                continue
            for mapped in jt.manifest["job"].get("errors", []):
                catalog.errors[next_id] = Error(
                    next_id, mapped["name"], mapped.get("title", mapped["name"]),
                    mapped.get("description", ""), _SEED_CATEGORY.get(mapped.get("category"),
                                                                      "ALGORITHM"),
                    False, jt.name)
                next_id += 1
        return catalog

    def errors_for(self, job_type: JobType) -> list[Error]:
        return [e for e in self.errors.values() if e.job_type_name in (None, job_type.name)]

    def find_type(self, name: str, version: str) -> JobType | None:
        for jt in self.job_types.values():
            if jt.name == name and jt.version == version:
                return jt
        return None
