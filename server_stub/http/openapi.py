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


def query_params(spec: list[tuple[str, str]]) -> dict:
    """``openapi_extra`` for an operation: each parameter a string or a repeatable string."""
    out = []
    for name, kind in spec:
        schema = ({"type": "array", "items": {"type": "string"}} if kind == "array"
                  else {"type": "string"})
        out.append({"name": name, "in": "query", "required": False, "schema": schema,
                    **({"style": "form", "explode": True} if kind == "array" else {})})
    return {"parameters": out}


def body_schema(properties: dict[str, dict]) -> dict:
    """``openapi_extra`` documenting a JSON object body (the handler parses it by hand)."""
    return {"requestBody": {"required": False, "content": {"application/json": {"schema": {
        "type": "object", "properties": properties}}}}}


_INTS = {"type": "array", "items": {"type": "integer"}}
_STRS = {"type": "array", "items": {"type": "string"}}
ACTION_BODY = {
    "started": {"type": "string"}, "ended": {"type": "string"}, "status": {"type": "string"},
    "job_ids": _INTS, "job_type_ids": _INTS, "batch_ids": _INTS, "recipe_ids": _INTS,
    "error_ids": _INTS, "job_type_names": _STRS, "error_categories": _STRS,
    "job_types": {"type": "array", "items": {"type": "object", "properties": {
        "name": {"type": "string"}, "version": {"type": "string"}}}},
    "is_superseded": {"type": "boolean"},
}
QUEUE_BODY = {"job_type_id": {"type": "integer"}, "input": {"type": "object"},
              "configuration": {"type": "object"}}
