"""Queue a new job (``POST /jobs/``): Scale's validation steps in Scale's order, then insert.

Messages follow ``data_v6`` (jsonschema wording), the job configuration checks and the input
interface checks of ``scale/data/data``; the new job is QUEUED at once with a USER event.
"""

from __future__ import annotations

import json

from server_stub.store.catalog import Catalog, JobType
from server_stub.store.params import APIError, BadParameter, NotFound, Params

DATA_KEYS = {"version", "files", "json"}
# data/data/value.py JsonValue.validate: the Python types each JSON type takes (a bool is an
# int in Python, so Scale lets true through as an integer or a number), and the message.
JSON_TYPES = {"array": (list, "an array"), "boolean": (bool, "a boolean"),
              "integer": (int, "an integer"), "number": ((int, float), "a number"),
              "object": (dict, "a JSON object"), "string": (str, "a string")}


def _py_repr(value) -> str:
    if isinstance(value, str):
        return f"u'{value}'"
    if isinstance(value, bool):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_py_repr(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_py_repr(k)}: {_py_repr(v)}" for k, v in value.items()) + "}"
    if value is None:
        return "None"
    return repr(value)


def validate_data(data: dict) -> dict:
    """The v6 Data JSON schema; returns ``{"files", "json"}`` without the version."""
    def invalid(message: str):
        return BadParameter(f"Invalid data: {message}")

    version = data.get("version", "7")
    if version not in ("6", "7", "1.0"):
        raise invalid(f"{version} is an unsupported version number")
    if version == "1.0":
        return _from_legacy(data, invalid)
    extra = sorted(set(data) - DATA_KEYS)
    if extra:
        names = ", ".join(_py_repr(k) for k in extra)
        raise invalid(f"Additional properties are not allowed ({names} "
                      f"{'was' if len(extra) == 1 else 'were'} unexpected)")
    files = data.get("files", {})
    if not isinstance(files, dict):
        raise invalid(f"{_py_repr(files)} is not of type u'object'")
    for ids in files.values():
        if not isinstance(ids, list):
            raise invalid(f"{_py_repr(ids)} is not of type u'array'")
        if not ids:
            raise invalid("[] is too short")
        for fid in ids:
            if isinstance(fid, bool) or not isinstance(fid, int):
                raise invalid(f"{_py_repr(fid)} is not of type u'integer'")
    values = data.get("json", {})
    if not isinstance(values, dict):
        raise invalid(f"{_py_repr(values)} is not of type u'object'")
    return {"files": files, "json": values}


def _from_legacy(data: dict, invalid) -> dict:
    files, values = {}, {}
    for item in data.get("input_data", []):
        if not isinstance(item, dict) or "name" not in item:
            raise invalid(f"{_py_repr(item)} is not valid under any of the given schemas")
        if "file_id" in item:
            files[item["name"]] = [item["file_id"]]
        elif "file_ids" in item:
            files[item["name"]] = list(item["file_ids"])
        else:
            values[item["name"]] = item.get("value")
    return validate_data({"files": files, "json": values})


def validate_configuration(conf: dict, jt: JobType) -> dict:
    """The job configuration, with the type's configuration filling in missing keys."""
    def invalid(message: str):
        return BadParameter(f"Job type configuration invalid: {message}")

    version = conf.get("version", "7")
    if version not in ("6", "7", "2.0"):
        raise invalid(f"Invalid configuration version: {version}")
    merged = json.loads(json.dumps(jt.configuration))
    for key in ("mounts", "output_workspaces", "settings"):
        if key in conf:
            if not isinstance(conf[key], dict):
                raise invalid(f"{_py_repr(conf[key])} is not of type u'object'")
            merged[key] = {**merged.get(key, {}), **conf[key]}
    if "priority" in conf:
        priority = conf["priority"]
        if isinstance(priority, bool) or not isinstance(priority, int) or priority < 1:
            raise invalid(f"{_py_repr(priority)} is less than the minimum of 1"
                          if isinstance(priority, int) else
                          f"{_py_repr(priority)} is not of type u'integer'")
        merged["priority"] = priority
    for name, value in merged["settings"].items():
        if not isinstance(value, str):
            raise invalid(f"{_py_repr(value)} is not of type u'string' (setting {name})")
    return merged


def fit_interface(data: dict, jt: JobType) -> dict:
    """Check the data against the manifest's inputs; values it does not declare are dropped."""
    out = {"files": {}, "json": {}}
    for spec in jt.file_inputs:
        name = spec["name"]
        if name in data["json"]:
            raise BadParameter(f"Parameter '{name}' of type 'file' cannot accept data of type "
                               "'json'")
        ids = data["files"].get(name)
        if ids is None:
            if spec.get("required", True):
                raise BadParameter(f"Parameter '{name}' is required")
            continue
        if len(ids) > 1 and not spec.get("multiple", False):
            raise BadParameter(f"Parameter '{name}' cannot accept multiple files")
        out["files"][name] = ids
    for spec in jt.json_inputs:
        name = spec["name"]
        if name in data["files"]:
            raise BadParameter(f"Parameter '{name}' of type 'json' cannot accept data of type "
                               "'file'")
        if name not in data["json"]:
            if spec.get("required", True):
                raise BadParameter(f"Parameter '{name}' is required")
            continue
        value = data["json"][name]
        kind = spec.get("type")
        if kind in JSON_TYPES and not isinstance(value, JSON_TYPES[kind][0]):
            raise BadParameter(f"Parameter '{name}' must receive {JSON_TYPES[kind][1]}")
        out["json"][name] = value
    return out


def parse_new_job(params: Params, catalog: Catalog) -> tuple[JobType, dict, dict | None]:
    """Steps 1-7 of ``JobsView.post``; raises the error Scale would answer with."""
    type_id = params.int("job_type_id", required=True)
    data = params.dict("input", default={})
    conf = params.dict("configuration", default=None)  # Scale lets a non-object slip by; not here
    data = validate_data(data)
    jt = catalog.job_types.get(type_id)
    if jt is None:
        raise NotFound
    configuration = validate_configuration(conf, jt) if conf else None
    if not jt.raw["is_active"]:  # real Scale: unhandled InactiveJobType, a 500
        raise APIError(400, f"Job type {jt.name} {jt.version} is not active and cannot be "
                            "queued")
    return jt, fit_interface(data, jt), configuration


def insert_job(conn, jt: JobType, data: dict, configuration: dict | None, now: int,
               event_type: str = "USER", *, processed: bool = True) -> int:
    """Create the job QUEUED with ``num_exes`` 1, its trigger event and input file links."""
    desc = {"user": "Anonymous"} if event_type == "USER" else {"version": "1.0"}
    event_id = conn.execute("INSERT INTO events (type, occurred, description) VALUES (?,?,?)",
                            (event_type, now, json.dumps(desc))).lastrowid
    names: dict[str, list[str]] = {}
    size = 0
    links = []
    for input_name, ids in data["files"].items():
        # Job.get_input_files_json: the names of the files that exist, [] when none do
        names.setdefault(input_name, [])
        for fid in ids:
            row = conn.execute("SELECT file_name, file_size FROM files WHERE id = ?",
                               (fid,)).fetchone()
            if row is None:  # Scale does not check file ids when queueing
                continue
            names.setdefault(input_name, []).append(row[0])
            size += row[1] or 0
            links.append((input_name, fid))
    priority = (configuration or jt.configuration)["priority"]
    job_id = conn.execute(
        "INSERT INTO jobs (job_type_id, status, event_id, max_tries, num_exes, priority, "
        "input_file_size, input_files, input, configuration, created, queued, "
        "last_status_change, last_modified) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (jt.id, "QUEUED", event_id, jt.max_tries, 1, priority,
         round(size / (1024 * 1024), 2) if processed else None,
         json.dumps(names, separators=(",", ":")),
         json.dumps(data),
         json.dumps(configuration) if configuration else None, now, now, now, now)).lastrowid
    conn.executemany("INSERT INTO job_input_files VALUES (?,?,?)",
                     [(job_id, name, fid) for name, fid in links])
    return job_id


def process_input(conn, job_id: int) -> None:
    """Scale's ``process_job_input`` message, after the job is created: the input file size
    (MiB) is known from then on; the 201 answer of ``POST /jobs/`` still shows null."""
    size = conn.execute("SELECT coalesce(sum(f.file_size), 0) FROM job_input_files l JOIN files "
                        "f ON f.id = l.file_id WHERE l.job_id = ?", (job_id,)).fetchone()[0]
    conn.execute("UPDATE jobs SET input_file_size = ? WHERE id = ?",
                 (round(size / (1024 * 1024), 2), job_id))
