"""Query parameters documented in the stub's OpenAPI schema (handlers parse them by hand)."""

from __future__ import annotations

PAGE_PARAMS = [("page", "string"), ("page_size", "string")]
JOB_LIST_PARAMS = [
    ("started", "string"), ("ended", "string"), ("source_started", "string"),
    ("source_ended", "string"), ("source_sensor_class", "array"), ("source_sensor", "array"),
    ("source_collection", "array"), ("source_task", "array"), ("status", "array"),
    ("job_id", "array"), ("job_type_id", "array"), ("job_type_name", "array"),
    ("error_category", "array"), ("error_id", "array"), ("batch_id", "array"),
    ("recipe_id", "array"), ("is_superseded", "string"), ("order", "array"),
]


_ID = {"type": "string", "pattern": "^[1-9][0-9]{0,2}$"}
_BOOL = {"type": "string", "enum": ["true", "false", "t", "f", "1", "0"]}
_TIME = {"type": "string", "pattern": "^(2026-01-0[1-4]T[01][0-9]:[0-5][0-9]:[0-5][0-9]Z"
                                      "|2025-12-[0-3][0-9]T00:00:00Z|P[1-9]DT?|PT[1-9][0-9]?M)$"}
STATUSES = ["PENDING", "BLOCKED", "QUEUED", "RUNNING", "FAILED", "COMPLETED", "CANCELED"]
# What a valid value of each query parameter looks like; the schema offers it beside any
# string (``anyOf``), so generated requests reach past the parameter checks as well.
VALUES: dict[str, dict] = {
    "page": {"type": "string", "pattern": "^[1-4]$"},
    "page_size": {"type": "string", "pattern": "^[1-9][0-9]?$"},
    "started": _TIME, "ended": _TIME, "source_started": _TIME, "source_ended": _TIME,
    "status": {"type": "string", "enum": STATUSES},
    "job_id": _ID, "job_type_id": _ID, "batch_id": _ID, "recipe_id": _ID, "error_id": _ID,
    "node_id": _ID, "id": _ID,
    "is_superseded": _BOOL, "is_active": _BOOL, "is_system": _BOOL,
    "error_category": {"type": "string", "enum": ["SYSTEM", "ALGORITHM", "DATA"]},
    "job_type_name": {"type": "string", "enum": ["landsat8-parse", "sam", "wv2-ortho"]},
    "order": {"type": "string", "enum": [
        "id", "-id", "last_modified", "-created", "status", "duration", "-duration",
        "job_type", "-job_type", "node__hostname", "-error__category", "event__occurred",
        "batch__title", "job_type_rev__revision_num", "-started", "ended"]},
    "time_field": {"type": "string", "enum": ["source", "data", "last_modified"]},
    "format": {"type": "string", "enum": ["json", "txt", "html"]},
    "keyword": {"type": "string", "enum": ["parse", "ortho", "LANDSAT", "x"]},
}
PATH_VALUES: dict[str, dict] = {
    "job_id": {"type": "string", "pattern": "^[1-9][0-9]{0,2}$"},
    "exe_num": {"type": "string", "pattern": "^[1-4]$"},
    "exe_id": {"type": "string", "pattern": "^[1-9][0-9]{0,2}$"},
    "log_name": {"type": "string", "enum": ["combined", "stdout", "stderr"]},
    "name": {"type": "string", "pattern": "^[a-z0-9-]{1,30}$"},
    "version": {"type": "string", "pattern": "^[0-9.]{1,8}$"},
}


def _value(name: str) -> dict:
    valid = VALUES.get(name)
    return {"anyOf": [valid, {"type": "string"}]} if valid else {"type": "string"}


def query_params(spec: list[tuple[str, str]]) -> dict:
    """``openapi_extra`` for an operation: each parameter a string or a repeatable string."""
    out = []
    for name, kind in spec:
        schema = ({"type": "array", "items": _value(name)} if kind == "array"
                  else _value(name))
        out.append({"name": name, "in": "query", "required": False, "schema": schema,
                    **({"style": "form", "explode": True} if kind == "array" else {})})
    return {"parameters": out}


def body_schema(properties: dict[str, dict]) -> dict:
    """``openapi_extra`` documenting a JSON object body (the handler parses it by hand)."""
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "properties": properties}}}}}


_INTS = {"type": "array", "items": {"type": "integer", "minimum": 1, "maximum": 400}}
_STRS = {"type": "array", "items": {"type": "string"}}
ACTION_BODY = {
    "started": {"type": "string"}, "ended": {"type": "string"}, "status": {"type": "string"},
    "job_ids": _INTS, "job_type_ids": _INTS, "batch_ids": _INTS, "recipe_ids": _INTS,
    "error_ids": _INTS, "job_type_names": _STRS, "error_categories": _STRS,
    "job_types": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "version": {"type": "string"}}}},
    "is_superseded": {"type": "boolean"},
}
QUEUE_BODY = {"job_type_id": {"type": "integer", "minimum": 1, "maximum": 16},
              "input": {"type": "object", "properties": {
                  "files": {"type": "object", "additionalProperties": _INTS},
                  "json": {"type": "object"}}},
              "configuration": {"type": "object"}}


def _ref(path: str, method: str = "get") -> str:
    return "#/paths/" + path.replace("~", "~0").replace("/", "~1") + "/" + method


def _link(path: str, **parameters: str) -> dict:
    return {"operationRef": _ref(path), "parameters": parameters}


JOB = "/v6/jobs/{job_id}/"
# OpenAPI links between the operations, for schemathesis' stateful phase: ids a response
# names, fed to the operations that take them (POST /jobs/ -> GET /jobs/{id}/ -> ...).
LINKS: dict[tuple[str, str, str], dict] = {
    ("/v6/jobs/", "post", "201"): {
        "Job": _link(JOB, job_id="$response.body#/id"),
        "Executions": _link(JOB + "executions/", job_id="$response.body#/id"),
        "InputFiles": _link(JOB + "input_files/", job_id="$response.body#/id"),
    },
    ("/v6/jobs/", "get", "200"): {
        "Job": _link(JOB, job_id="$response.body#/results/0/id"),
        "Executions": _link(JOB + "executions/", job_id="$response.body#/results/0/id"),
        "InputFiles": _link(JOB + "input_files/", job_id="$response.body#/results/0/id"),
    },
    (JOB + "executions/", "get", "200"): {
        "Execution": _link(JOB + "executions/{exe_num}/", job_id="$request.path.job_id",
                           exe_num="$response.body#/results/0/exe_num"),
        "ById": _link("/v6/job-executions/{exe_id}/", exe_id="$response.body#/results/0/id"),
        "Log": _link("/v6/job-executions/{exe_id}/logs/{log_name}/",
                     exe_id="$response.body#/results/0/id", log_name="combined"),
    },
    ("/v6/job-types/", "get", "200"): {
        "Versions": _link("/v6/job-types/{name}/", name="$response.body#/results/0/name"),
        "Details": _link("/v6/job-types/{name}/{version}/",
                         name="$response.body#/results/0/name",
                         version="$response.body#/results/0/version"),
    },
}


def with_links(schema: dict) -> dict:
    """The app's schema with ``LINKS`` in the responses they start from, and the shape of
    valid path parameters (idempotent)."""
    for operations in schema.get("paths", {}).values():
        for operation in operations.values():
            for param in operation.get("parameters", []):
                if param.get("in") == "path" and param["name"] in PATH_VALUES:
                    param["schema"] = PATH_VALUES[param["name"]]
    for (path, method, status), links in LINKS.items():
        operation = schema.get("paths", {}).get(path, {}).get(method)
        if operation is None:
            continue
        response = operation.setdefault("responses", {}).setdefault(
            status, {"description": "Successful Response"})
        response["links"] = links
    return schema
