"""Scale's ``JobManager.filter_jobs`` over SQLite: the job filters and the ``order`` rules."""

from __future__ import annotations

from dataclasses import dataclass, field

from server_stub.store.catalog import Catalog
from server_stub.store.ordering import order_by
from server_stub.store.params import BadParameter, Params


@dataclass
class JobQuery:
    where: list[str] = field(default_factory=list)
    args: list = field(default_factory=list)
    order: str = "last_modified ASC, id ASC"
    statuses: list[str] | None = None  # set when status is the only restriction

    def sql_where(self) -> str:
        return " AND ".join(self.where) if self.where else "1"

    def add_in(self, column: str, values: list) -> None:
        if len(values) == 1:  # lets SQLite walk the (column, last_modified, id) index in order
            self.where.append(f"{column} = ?")
            self.args.append(values[0])
        elif values:
            self.where.append(f"{column} IN ({','.join('?' * len(values))})")
            self.args.extend(values)


def list_filters(params: Params, catalog: Catalog) -> JobQuery:
    """The GET /jobs/ filters (singular names, repeatable)."""
    q = JobQuery()
    started, ended = params.time_range("started", "ended")
    s_started, s_ended = params.time_range("source_started", "source_ended")
    _add_times(q, started, ended, s_started, s_ended)
    for name in ("source_sensor_class", "source_sensor", "source_collection", "source_task"):
        q.add_in(name, params.string_list(name))
    statuses = params.string_list("status")
    q.add_in("status", statuses)
    q.add_in("id", params.int_list("job_id"))
    q.add_in("job_type_id", params.int_list("job_type_id"))
    _add_type_names(q, catalog, params.string_list("job_type_name"))
    _add_categories(q, catalog, params.string_list("error_category"))
    q.add_in("batch_id", params.int_list("batch_id"))
    q.add_in("recipe_id", params.int_list("recipe_id"))
    q.add_in("error_id", params.int_list("error_id"))
    superseded = params.bool("is_superseded")
    if superseded is not None:
        q.where.append("is_superseded = ?")
        q.args.append(int(superseded))
    if statuses and len(q.where) == 1:
        q.statuses = statuses
    elif not q.where:
        q.statuses = []
    q.order = order_by(params.string_list("order"), catalog)
    return q


def action_filters(params: Params, catalog: Catalog) -> JobQuery:
    """The cancel/requeue body (plural names; ``status`` a single string)."""
    q = JobQuery()
    started, ended = params.time_range("started", "ended")
    _add_times(q, started, ended, None, None)
    status = params.string("status")
    if status:
        q.add_in("status", [status])
    type_ids = params.int_list("job_type_ids")
    job_types = params._get_list("job_types")
    for item in job_types:
        if not isinstance(item, dict) or "name" not in item or "version" not in item:
            raise BadParameter(f"Job types argument invalid: {_py2_list(job_types)}")
        jt = catalog.find_type(str(item["name"]), str(item["version"]))
        if jt is None:
            raise BadParameter(f"Job Type with name: {item['name']} and version: "
                               f"{item['version']} does not exist")
        type_ids.append(jt.id)
    q.add_in("id", params.int_list("job_ids"))
    q.add_in("job_type_id", type_ids)
    _add_type_names(q, catalog, params.string_list("job_type_names"))
    q.add_in("batch_id", params.int_list("batch_ids"))
    q.add_in("recipe_id", params.int_list("recipe_ids"))
    _add_categories(q, catalog, params.string_list("error_categories"))
    q.add_in("error_id", params.int_list("error_ids"))
    superseded = params.bool("is_superseded")
    if superseded is not None:
        q.where.append("is_superseded = ?")
        q.args.append(int(superseded))
    return q


def _add_times(q: JobQuery, started, ended, s_started, s_ended) -> None:
    # Scale's started/ended filter last_modified, not the job's own started/ended columns.
    for column, op, value in (("last_modified", ">=", started), ("last_modified", "<=", ended),
                              ("source_started", ">=", s_started),
                              ("source_ended", "<=", s_ended)):
        if value is not None:
            q.where.append(f"{column} {op} ?")
            q.args.append(value)


def _add_type_names(q: JobQuery, catalog: Catalog, names: list[str]) -> None:
    if names:
        ids = [jt.id for jt in catalog.job_types.values() if jt.name in names]
        q.where.append(f"job_type_id IN ({','.join(map(str, ids))})")


def _add_categories(q: JobQuery, catalog: Catalog, categories: list[str]) -> None:
    if categories:
        ids = [e.id for e in catalog.errors.values() if e.category in categories]
        q.where.append(f"error_id IN ({','.join(map(str, ids))})")


def _py2_list(items: list) -> str:
    def one(item):
        if isinstance(item, dict):
            return "{" + ", ".join(f"u'{k}': {one(v)}" for k, v in item.items()) + "}"
        if isinstance(item, str):
            return f"u'{item}'"
        return repr(item)

    return "[" + ", ".join(one(i) for i in items) + "]"
