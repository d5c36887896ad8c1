"""The job list's ``order`` as SQL: what ``JobManager.filter_jobs`` (scale/job/models.py) does.

Scale takes ``duration`` and ``job_type`` as special cases of the first value, then hands every
value to Django's ``order_by``, which follows any field path through the job's relations
(``node__hostname``, ``event__occurred``, ``job_type_rev__revision_num``, ...). Each path here
is resolved against the Django models of ``Job``, ``JobType``, ``JobTypeRevision``, ``Node``,
``Error``, ``Batch``, ``TriggerEvent`` and ``Recipe`` (the model files under scale/) and mapped
to an SQL expression over the stub's tables; a model field the stub keeps no data for (e.g.
``node__is_paused``) sorts as one constant, so the id tiebreak decides. A path that is not a
field in Scale's models is a 400 here where Scale answers 500.
"""

from __future__ import annotations

from server_stub.store.catalog import BATCHES, NODES, Catalog
from server_stub.store.params import BadParameter

# Job's own fields (job/models.py Job) -> SQL; `priority` is no Job field in Scale.
JOB_COLUMNS = {
    "id": "id", "pk": "id", "created": "created", "queued": "queued", "started": "started",
    "ended": "ended", "last_status_change": "last_status_change", "superseded": "superseded",
    "last_modified": "last_modified", "source_started": "source_started",
    "source_ended": "source_ended", "source_sensor_class": "source_sensor_class",
    "source_sensor": "source_sensor", "source_collection": "source_collection",
    "source_task": "source_task", "status": "status", "num_exes": "num_exes",
    "max_tries": "max_tries", "input_file_size": "input_file_size",
    "is_superseded": "is_superseded", "delete_superseded": "1",
    "input": "input", "output": "output", "configuration": "configuration",
}
# Job's foreign keys -> the column holding the id (None: the stub keeps none, always NULL).
JOB_KEYS = {
    "job_type": "job_type_id", "job_type_rev": "job_type_id", "event": "event_id",
    "ingest_event": "ingest_event_id", "root_recipe": None, "recipe": "recipe_id",
    "batch": "batch_id", "root_superseded_job": None, "superseded_job": "superseded_job_id",
    "superseded_by_job": "superseded_by_job_id", "node": "node_id", "error": "error_id",
}
NOT_NULL = {"id", "created", "last_modified", "status", "num_exes", "max_tries",
            "is_superseded", "job_type_id", "1"}

# Fields of the related models (scale/<app>/models.py), each with where the stub finds it.
JOB_TYPE_FIELDS = ["name", "version", "is_system", "is_long_running", "is_active", "is_paused",
                   "is_published", "unmet_resources", "max_scheduled", "max_tries",
                   "icon_code", "revision_num", "docker_image", "created", "deprecated",
                   "paused", "last_modified"]
REVISION_FIELDS = ["revision_num", "docker_image", "created"]
NODE_FIELDS = ["hostname", "pause_reason", "is_paused", "is_active", "created", "deprecated",
               "last_offer_received", "last_modified"]
ERROR_FIELDS = ["name", "job_type_name", "title", "description", "category", "is_builtin",
                "should_be_retried", "created", "last_modified"]
BATCH_FIELDS = ["title", "description", "is_creation_done", "is_superseded", "jobs_total",
                "created", "superseded", "last_modified"]
EVENT_COLUMNS = {"type": "type", "occurred": "occurred", "description": "description",
                 "rule": "NULL", "rule_id": "NULL"}
RECIPE_COLUMNS = {"created": "created", "recipe_type": "recipe_type_id",
                  "recipe_type_id": "recipe_type_id", "recipe_type_rev": "recipe_type_rev_id",
                  "recipe_type_rev_id": "recipe_type_rev_id", "event": "event_id",
                  "event_id": "event_id", "batch": "batch_id", "batch_id": "batch_id"}
NOT_IN_SCALE = {
    "priority": "a job's priority is in its configuration, not a field Scale can order by",
    "job_type__title": "a job type's title is in its manifest, not a field Scale can order by",
    "job_type__description": "a job type's description is in its manifest, not a field "
                             "Scale can order by",
}


def _literal(value) -> str:
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    return "'" + str(value).replace("'", "''") + "'"


def _case(mapping: dict, column: str) -> str:
    if not mapping:
        return "NULL"
    whens = " ".join(f"WHEN {k} THEN {_literal(v)}" for k, v in mapping.items())
    return f"(CASE {column} {whens} END)"


def _job_type_field(catalog: Catalog, field: str, column: str) -> str | None:
    if field in ("id", "pk"):
        return column
    if field == "max_tries":
        return _case({jt.id: jt.max_tries for jt in catalog.job_types.values()}, column)
    if field == "is_long_running":
        return "0"
    if field in JOB_TYPE_FIELDS:
        return _case({jt.id: jt.raw.get(field) for jt in catalog.job_types.values()}, column)
    return None


def _related(catalog: Catalog, key: str, rest: list[str]) -> str | None:
    """The SQL of ``<key>__<rest...>`` (a path through one of Job's foreign keys)."""
    column = JOB_KEYS[key]
    if column is None:
        return "NULL" if rest in ([], ["id"], ["pk"]) else None
    if not rest or rest in (["id"], ["pk"]):
        if key == "recipe" and not rest:  # Recipe.Meta.ordering = ['recipe_type']
            return f"(SELECT r.recipe_type_id FROM recipes r WHERE r.id = jobs.{column})"
        return column
    field, deeper = rest[0], rest[1:]
    if key == "job_type" and not deeper:
        return _job_type_field(catalog, field, column)
    if key == "job_type_rev":
        if field in ("job_type", "job_type_id") and not deeper:
            return column
        if field == "job_type" and deeper and len(deeper) == 1:
            return _job_type_field(catalog, deeper[0], column)
        if field in REVISION_FIELDS and not deeper:
            return _job_type_field(catalog, field, column)
        return None
    if deeper:
        return None
    if key == "node" and field in NODE_FIELDS:
        return _case({n["id"]: n.get(field) for n in NODES}, column)
    if key == "error" and field in ERROR_FIELDS:
        return _case({e.id: getattr(e, field, None) for e in catalog.errors.values()}, column)
    if key == "batch" and field in BATCH_FIELDS:
        return _case({b["id"]: b.get(field) for b in BATCHES}, column)
    if key in ("event", "ingest_event") and field in EVENT_COLUMNS:
        if EVENT_COLUMNS[field] == "NULL":
            return "NULL"
        return f"(SELECT ev.{EVENT_COLUMNS[field]} FROM events ev WHERE ev.id = jobs.{column})"
    if key == "recipe" and field in RECIPE_COLUMNS:
        return f"(SELECT r.{RECIPE_COLUMNS[field]} FROM recipes r WHERE r.id = jobs.{column})"
    if key in ("superseded_job", "superseded_by_job"):
        other = JOB_COLUMNS.get(field) or {f"{k}_id": v for k, v in JOB_KEYS.items()
                                           if v}.get(field)
        if other is None or other == "1":
            return None
        return f"(SELECT s.{other} FROM jobs s WHERE s.id = jobs.{column})"
    return None


def field_sql(name: str, catalog: Catalog) -> str | None:
    """The SQL expression Django's ``order_by(name)`` sorts jobs by, or None if not a field."""
    if name in JOB_COLUMNS:
        return JOB_COLUMNS[name]
    parts = name.split("__")
    head = parts[0]
    if head in JOB_KEYS:
        return _related(catalog, head, parts[1:])
    if head.endswith("_id") and head[:-3] in JOB_KEYS and len(parts) == 1:
        return JOB_KEYS[head[:-3]] or "NULL"  # Django also takes the attname (node_id)
    return None


def order_by(values: list[str], catalog: Catalog) -> str:
    """Scale's special cases first (duration, job_type), then Django order paths."""
    if not values:
        return "last_modified ASC, id ASC"
    first = values[0]
    # `order[0].endswith("duration")`: the whole order is then the duration alone.
    if first.endswith("duration"):
        expr = "(ended - started)" if not first.startswith("-") else "(started - ended)"
        return f"{expr} IS NULL, {expr} ASC, id ASC"
    if first.endswith("job_type"):  # `order_by(order[0] + '__name')`, the rest ignored
        values = [first + "__name"]
    terms = []
    for value in values:
        desc = value.startswith("-")
        name = value[1:] if desc else value
        if name in NOT_IN_SCALE:
            raise BadParameter(f'Parameter "order" cannot use {name}: {NOT_IN_SCALE[name]}')
        if name in ("job_type", "recipe") and not desc:
            # util/database.py alphabetize() wraps these in Lower(), on an integer key: a 500
            raise BadParameter(f'Parameter "order" has an unknown field: {value}')
        expr = field_sql(name, catalog)
        if expr is None:
            raise BadParameter(f'Parameter "order" has an unknown field: {value}')
        direction = "DESC" if desc else "ASC"
        if expr in NOT_NULL:
            terms.append(f"{expr} {direction}")
        else:  # PostgreSQL puts NULLs last ascending and first descending
            terms.append(f"{expr} IS {'NOT ' if desc else ''}NULL, {expr} {direction}")
    tie = "DESC" if values[0].startswith("-") else "ASC"
    return ", ".join([*terms, f"id {tie}"])
