"""Rows to JSON in the field order DRF declares in Scale's v6 serializers.

``Related`` loads, in one query each, the events and recipes a page of jobs points at; everything
else (job types, errors, nodes, batches) is in the in-memory catalog.
"""

from __future__ import annotations

import json
import sqlite3

from server_stub.store.catalog import BATCHES, NODES, RECIPE_TYPES, Catalog
from server_stub.store.timefmt import drf, drf_text

NODE_BY_ID = {n["id"]: n for n in NODES}
BATCH_BY_ID = {b["id"]: {**b, "created": drf(b["created"])} for b in BATCHES}
RECIPE_TYPE_BY_ID = {r["id"]: r for r in RECIPE_TYPES}
EMPTY_DATA = {"files": {}, "json": {}}


class Related:
    """The events and recipes that some jobs point at, each loaded with one query."""

    def __init__(self, conn: sqlite3.Connection, catalog: Catalog, rows: list) -> None:
        self.catalog = catalog
        # Positions in SELECT * FROM jobs (rows may be plain tuples): event, ingest event,
        # recipe.
        event_ids = {r[3] for r in rows} | {r[4] for r in rows}
        event_ids.discard(None)
        self.events = _by_id(conn, "SELECT id, type, occurred FROM events", event_ids)
        recipe_ids = {r[5] for r in rows if r[5] is not None}
        self.recipes = _by_id(conn, "SELECT id, recipe_type_id, recipe_type_rev_id, event_id "
                                    "FROM recipes", recipe_ids)

    def event(self, event_id):
        e = self.events.get(event_id)
        return None if e is None else {"id": e[0], "type": e[1], "occurred": drf(e[2])}

    def recipe(self, recipe_id):
        r = self.recipes.get(recipe_id)
        if r is None:
            return None
        return {"id": r[0], "recipe_type": RECIPE_TYPE_BY_ID[r[1]], "recipe_type_rev": {"id": r[2]},
                "event": {"id": r[3]}}


def _by_id(conn: sqlite3.Connection, sql: str, ids: set) -> dict:
    if not ids:
        return {}
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples, without a sqlite3.Row for each
    return {r[0]: r for r in cursor.execute(f"{sql} WHERE id IN ({','.join(map(str, ids))})")}


def job(row, rel: Related) -> dict:
    """``JobSerializerV6``: one row of the job list."""
    jt = rel.catalog.job_types[row["job_type_id"]]
    error = rel.catalog.errors.get(row["error_id"])
    sup = row["superseded_job_id"]
    return {
        "id": row["id"], "job_type": jt.base, "status": row["status"],
        "job_type_rev": {"id": jt.id, "job_type": {"id": jt.id},
                         "revision_num": jt.raw["revision_num"]},
        "event": rel.event(row["event_id"]), "ingest_event": rel.event(row["ingest_event_id"]),
        "recipe": rel.recipe(row["recipe_id"]), "batch": BATCH_BY_ID.get(row["batch_id"]),
        "is_superseded": bool(row["is_superseded"]),
        "superseded_job": {"id": sup} if sup is not None else None,
        "node": NODE_BY_ID.get(row["node_id"]),
        "error": error.as_json() if error else None,
        "max_tries": row["max_tries"], "num_exes": row["num_exes"],
        "input_file_size": row["input_file_size"], "input_files": json.loads(row["input_files"]),
        "created": drf(row["created"]), "queued": drf(row["queued"]),
        "started": drf(row["started"]), "ended": drf(row["ended"]),
        "last_status_change": drf(row["last_status_change"]),
        "superseded": drf(row["superseded"]), "last_modified": drf(row["last_modified"]),
        "source_started": drf(row["source_started"]), "source_ended": drf(row["source_ended"]),
        "source_sensor_class": row["source_sensor_class"], "source_sensor": row["source_sensor"],
        "source_collection": row["source_collection"], "source_task": row["source_task"],
    }


def job_details(conn: sqlite3.Connection, row, rel: Related, execution: dict | None) -> dict:
    """``JobDetailsSerializerV6``."""
    out = job(row, rel)
    catalog = rel.catalog
    jt = catalog.job_types[row["job_type_id"]]
    out["job_type_rev"] = {"id": jt.id, "job_type": jt.base,
                           "revision_num": jt.raw["revision_num"],
                           "docker_image": jt.raw["docker_image"],
                           "created": drf_text(jt.raw["created"]),
                           "manifest": jt.manifest}
    # DRF 3.9 (scale/pip/requirements.txt) SerializerMetaclass._get_declared_fields: a field a
    # subclass redeclares keeps its base position (superseded_job); a new one follows the
    # base's fields (superseded_by_job right after source_task).
    details = out
    details["superseded_job"] = _job_link(conn, catalog, row["superseded_job_id"])
    details["superseded_by_job"] = _job_link(conn, catalog, row["superseded_by_job_id"])
    res = dict(jt.resources)
    res["disk"] = max(res["disk"], row["input_file_size"] or 0.0)
    details["resources"] = {"resources": res}
    details["execution"] = execution
    details["input"] = json.loads(row["input"]) if row["input"] else EMPTY_DATA
    details["output"] = json.loads(row["output"]) if row["output"] else EMPTY_DATA
    details["configuration"] = public_configuration(
        json.loads(row["configuration"]) if row["configuration"] else jt.configuration, jt)
    return details


def public_configuration(conf: dict, jt) -> dict:
    """Scale strips secret settings from what it shows; ``default`` appears only when set."""
    secret = {s["name"] for s in jt.interface.get("settings", []) if s.get("secret")}
    conf = json.loads(json.dumps(conf))
    conf.pop("version", None)
    conf["settings"] = {k: v for k, v in conf.get("settings", {}).items() if k not in secret}
    if not conf.get("output_workspaces", {}).get("default"):
        conf.get("output_workspaces", {}).pop("default", None)
    return conf


def _job_link(conn, catalog: Catalog, job_id):
    if job_id is None:
        return None
    r = conn.execute("SELECT job_type_id, status FROM jobs WHERE id = ?", (job_id,)).fetchone()
    if r is None:
        return None
    return {"id": job_id, "job_type": catalog.job_types[r[0]].base, "status": r[1]}


def execution(row, catalog: Catalog) -> dict:
    """``JobExecutionSerializerV6``."""
    error = catalog.errors.get(row["error_id"])
    return {
        "id": row["id"], "status": row["status"], "exe_num": row["exe_num"],
        "cluster_id": row["cluster_id"], "created": drf(row["created"]),
        "queued": drf(row["queued"]), "started": drf(row["started"]), "ended": drf(row["ended"]),
        "job": {"id": row["job_id"]}, "node": NODE_BY_ID.get(row["node_id"]),
        "error": error.as_json() if error else None,
        "job_type": catalog.job_types[row["job_type_id"]].base, "timeout": row["timeout"],
        "input_file_size": row["input_file_size"],
    }


def execution_details(row, catalog: Catalog, job_output: str | None, conn=None) -> dict:
    """``JobExecutionDetailsSerializerV6``: the list fields plus tasks, resources, config."""
    out = execution(row, catalog)
    jt = catalog.job_types[row["job_type_id"]]
    error = catalog.errors.get(row["error_id"])
    out["task_results"] = (task_results(row, error.name if error else None,
                                        is_system=jt.raw["is_system"])
                           if row["status"] != "RUNNING" else None)
    out["resources"] = {"resources": jt.resources}
    out["configuration"] = execution_configuration(row, jt, conn)
    out["output"] = None
    if row["status"] == "COMPLETED" and job_output:
        # scale_post_steps stores JobResults.get_dict(): v6 data with its "version"
        out["output"] = {"version": "7", **json.loads(job_output)}
    return out


def execution_configuration(row, jt, conn=None) -> dict:
    """The execution's ``ExecutionConfiguration`` (job/execution/configuration/json/
    exe_config.py, version 2.0) as configurators.py fills it: ``input_files`` by input name,
    ``output_workspaces`` by output name, and per task ``workspaces``, ``mounts``,
    ``settings``, ``volumes``, ``env_vars`` and ``args`` (the image is in the pull task's
    args; a task has no ``docker_image`` key)."""
    input_files: dict[str, list] = {}
    if conn is not None:
        for f in conn.execute(
                "SELECT l.job_input, f.id, f.workspace_id, f.file_path, f.file_name, "
                "f.file_type FROM job_input_files l JOIN files f ON f.id = l.file_id "
                "WHERE l.job_id = ? ORDER BY f.id", (row["job_id"],)):
            input_files.setdefault(f["job_input"], []).append({
                "id": f["id"], "type": (f["file_type"] or "SOURCE").upper(),
                "workspace_name": WORKSPACE_NAMES.get(f["workspace_id"], "raw"),
                "workspace_path": f["file_path"] or f["file_name"],
                "local_file_name": f["file_name"], "is_deleted": False})
    outputs = {o["name"]: "products" for o in jt.output_files}
    used = ["raw", *(["products"] if outputs else [])]
    env = {"SCALE_JOB_ID": str(row["job_id"]), "SCALE_EXE_NUM": str(row["exe_num"])}
    settings = jt.configuration.get("settings", {})
    mounts = jt.configuration.get("mounts", {})
    workspaces = {name: {"mode": "ro" if name == "raw" else "rw",
                         "volume_name": f"wksp_{name}"} for name in used}
    small = {"cpus": 0.25, "mem": 128.0}
    image = jt.raw["docker_image"]
    task = {
        "pull": {"resources": small, "args": f"docker pull {image}"},
        "pre": {"resources": small, "args": f"scale_pre_steps -i {row['id']}",
                "env_vars": env, "workspaces": workspaces},
        "main": {"resources": jt.resources, "args": jt.interface.get("command", ""),
                 "env_vars": env, "workspaces": workspaces, "mounts": mounts,
                 "settings": {k: "*****" if k in _secrets(jt) else v
                              for k, v in settings.items()},
                 "volumes": {f"wksp_{n}": {"container_path": f"/scale/workspace_mounts/{n}",
                                           "mode": w["mode"], "type": "host",
                                           "host_path": f"/exports/{n}"}
                             for n, w in workspaces.items()}},
        "post": {"resources": small, "args": f"scale_post_steps -i {row['id']}",
                 "env_vars": env, "workspaces": workspaces},
    }
    return {"version": "2.0", "input_files": input_files, "output_workspaces": outputs,
            "tasks": [{"task_id": f"{row['cluster_id']}_{kind}", "type": kind, **task[kind]}
                      for kind in task_types(jt.raw["is_system"])]}


WORKSPACE_NAMES = {1: "raw", 2: "products", 3: "rs"}


def _secrets(jt) -> set[str]:
    return {s["name"] for s in jt.interface.get("settings", []) if s.get("secret")}


TASKS = ("pull", "pre", "main", "post")
# Where in the run each task ends, as a fraction of it.
_TASK_ENDS = {"pull": 0.1, "pre": 0.2, "main": 0.9, "post": 1.0}
# How a failure stops the run, by Scale's error name: the task it stops in ("first": the first
# task of the execution) and what became of that task (job/tasks/base_task.py Task.update and
# check_timeout):
#   FAILED      it ran and ended TASK_FAILED;
#   TIMED_OUT   it ran past its running timeout and was killed (KILLED, was_timed_out);
#   NOT_STARTED it was launched but never ran (TASK_FAILED while staging, or a staging timeout);
#   LOST        Mesos lost it: Task.update resets it to never launched;
#   KILLED      Scale killed it (resource starvation).
# Any other error is the main task's FAILED.
FAILURES = {"pull": ("pull", "FAILED"), "pull-timeout": ("pull", "TIMED_OUT"),
            "task-launch": ("first", "NOT_STARTED"),
            "docker-task-launch": ("first", "NOT_STARTED"),
            "launch-timeout": ("first", "NOT_STARTED"), "pre-timeout": ("pre", "TIMED_OUT"),
            "post-timeout": ("post", "TIMED_OUT"), "system-timeout": ("pre", "TIMED_OUT"),
            "timeout": ("main", "TIMED_OUT"), "node-lost": ("main", "LOST"),
            "resource-starvation": ("main", "KILLED")}


def task_types(is_system: bool) -> tuple[str, ...]:
    """job/execution/configuration/configurators.py: a system job runs only ``main``; any other
    job ``pull``, ``pre``, ``main``, ``post``."""
    return ("main",) if is_system else TASKS


def task_results(row, error_name: str | None = None, *, is_system: bool = False) -> dict:
    """``TaskResults.add_task_results`` (job/execution/tasks/json/results/task_results.py) for
    an execution that has ended: every task of the execution, in order.

    A task never launched is ``{task_id, type, was_launched: false}``; a launched one adds
    ``launched`` and ``was_started``; a started one adds ``started``, ``was_timed_out``,
    ``ended`` and ``status`` (FINISHED, FAILED or KILLED), and ``exit_code`` only when there is
    one (never ``null``). A failed run stops in the task its error names; the tasks after it
    were never launched. A canceled run is killed in its main task.
    """
    types = task_types(is_system)
    start = row["started"]
    end = row["ended"] or start
    code = row["exit_code"]
    stop, how = None, None  # the task the run stopped in, and how
    if row["status"] == "FAILED":
        stop, how = FAILURES.get(error_name or "", ("main", "FAILED"))
        stop = types[0] if stop == "first" or stop not in types else stop
    elif row["status"] == "CANCELED":
        stop, how = "main", "KILLED"
    tasks = []
    if start is None:  # canceled (or failed) before anything was launched
        return {"version": "1.0", "tasks": [_task(row, kind) for kind in types]}
    span = max(end - start, 4)
    begun, reached = start, False
    for kind in types:
        task = _task(row, kind)
        if reached:
            tasks.append(task)  # after the task the run stopped in: never launched
            continue
        last = kind == stop or (stop is None and kind == types[-1])
        ended = end if last else start + int(span * _TASK_ENDS[kind])
        if kind == stop and how == "LOST":
            reached = True
            tasks.append(task)
            continue
        task.update(was_launched=True, launched=drf(begun))
        if kind == stop and how == "NOT_STARTED":
            task["was_started"] = False
        else:
            status = "FINISHED"
            if kind == stop:
                status = "FAILED" if how == "FAILED" else "KILLED"
            task.update(was_started=True, started=drf(begun + 1000),
                        was_timed_out=kind == stop and how == "TIMED_OUT", ended=drf(ended),
                        status=status)
            exit_code = code if kind == stop else 0
            if exit_code is not None:
                task["exit_code"] = exit_code
        tasks.append(task)
        reached = kind == stop
        begun = ended
    return {"version": "1.0", "tasks": tasks}


def _task(row, kind: str) -> dict:
    return {"task_id": f"{row['cluster_id']}_{kind}", "type": kind, "was_launched": False}


def scale_file(row, catalog: Catalog, job_input: str) -> dict:
    """``ScaleFileSerializerV6`` for a job's input file."""
    return {
        "id": row["id"], "file_name": row["file_name"],
        "workspace": {"id": row["workspace_id"],
                      "name": {1: "raw", 2: "products", 3: "rs"}[row["workspace_id"]]},
        "data_type_tags": [], "media_type": row["media_type"], "file_type": row["file_type"],
        "file_size": row["file_size"], "file_path": row["file_path"], "is_deleted": False,
        "url": f"http://scale-files.cluster.local/raw/{row['file_path']}",
        "created": drf(row["created"]), "deleted": None,
        "data_started": drf(row["data_started"]), "data_ended": drf(row["data_ended"]),
        "source_started": drf(row["source_started"]), "source_ended": drf(row["source_ended"]),
        "source_sensor_class": row["source_sensor_class"], "source_sensor": row["source_sensor"],
        "source_collection": row["source_collection"], "source_task": row["source_task"],
        "last_modified": drf(row["last_modified"]), "geometry": None, "center_point": None,
        "countries": json.loads(row["countries"] or "[]"), "job_type": None, "job": None,
        "job_exe": None, "job_output": None, "recipe_type": None, "recipe": None,
        "recipe_node": None, "batch": None, "is_superseded": False, "superseded": None,
    }
