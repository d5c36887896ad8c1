"""A hostile Scale's answers: every string it sends tries to drive the terminal or the markup
parser.

`scale()` is the one fake Scale (tests/fakes.py) answering every route with them (scripted
answers, its hook for hostile bodies); the console tests use it as their transport, the script
and fleet tests through `tests.fakes.serve` on loopback, so both read exactly the same bytes.

Every string field of jobs, job details, executions, execution details, input files, job types,
manifests, errors, nodes, batches, recipes, ``detail`` messages and log lines carries `NASTY`:
OSC 0 (title), OSC 8 (hyperlink), OSC 52 (clipboard), CSI 2J (clear screen), DCS, the one-byte
C1 controls U+009D (OSC) and U+009B (CSI), BEL, bidi override and isolate, zero-width characters,
unbalanced ``[/]``, valid markup ``[bold]x[/]``, an action link ``[@click=app.quit]q[/]``, a lone
surrogate escape and, in the bytes on the wire, invalid UTF-8. Some fields carry a 1 MB line.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from typing import Any

import httpx

from tests.fakes import JSON, FakeScale

BAD_UTF8_MARK = "BAD-UTF8"
NASTY = (
    "\x1b]0;pwned-title\x07"
    "\x1b]8;;http://evil.test/\x1b\\link\x1b]8;;\x1b\\"
    "\x1b]52;c;ZXZpbA==\x07"
    "\x1b[2J\x1b[H"
    "\x1bP1$r0m\x1b\\"
    "\x9d0;c1-title\x9c"
    "\x9b31m"
    "\x07"
    "\u202eevil\u202c\u2066iso\u2069\u200e\u200f\u061c"
    "zero\u200bwidth\u200c\u200d\u2060\ufeff"
    " [/] [bold]x[/] [@click=app.quit]q[/] "
    "\udc80" + BAD_UTF8_MARK
)
BIG = "A" * 1_000_000 + NASTY
"""A 1 MB line."""

VISIBLE_MARK = "␛]0;pwned-title␇"
"""How the start of `NASTY` reads once it went through the one boundary."""
LITERAL_MARKUP = "[@click=app.quit]q[/]"
"""Markup shown as itself: proof that server text reached the screen and was not parsed."""

JOB_IDS = (1, 2, 3)
NOW = "2026-01-01T05:00:00Z"


def nasty(tag: str) -> str:
    return f"{tag} {NASTY}"


def _job_type(tag: str, *, title: str | None = None) -> dict[str, Any]:
    return {
        "id": 7, "name": nasty(f"{tag}-name"), "version": nasty(f"{tag}-version"),
        "title": title if title is not None else nasty(f"{tag}-title"),
        "description": nasty(f"{tag}-description"), "is_active": True, "is_paused": False,
        "is_system": False, "icon_code": nasty("icon"), "unmet_resources": nasty("unmet"),
    }  # fmt: skip


def _error(tag: str, *, big: bool = False) -> dict[str, Any]:
    return {
        "id": 4, "name": nasty(f"{tag}-error-name"), "title": nasty(f"{tag}-error-title"),
        "description": BIG if big else nasty(f"{tag}-error-description"),
        "category": "ALGORITHM", "job_type_name": nasty("error-job-type"), "is_builtin": False,
    }  # fmt: skip


def _node() -> dict[str, Any]:
    return {"id": 3, "hostname": nasty("node.host")}


def job(job_id: int) -> dict[str, Any]:
    status = {1: "RUNNING", 2: "FAILED"}.get(job_id, nasty("STATUS"))
    return {
        "id": job_id, "status": status, "job_type": _job_type("type", title=BIG if job_id == 2
                                                               else None),
        "job_type_rev": {"id": 9, "revision_num": 1, "docker_image": nasty("image"),
                         "job_type": _job_type("rev")},
        "event": {"id": 5, "type": nasty("EVENT"), "occurred": NOW},
        "recipe": {"id": 11, "recipe_type": {"id": 12, "name": nasty("recipe-type"),
                                             "title": nasty("recipe-title"),
                                             "description": nasty("recipe-description")}},
        "batch": {"id": 13, "title": nasty("batch-title"), "description": nasty("batch-desc")},
        "is_superseded": job_id == 3, "node": _node(), "error": _error("job", big=job_id == 2),
        "max_tries": 3, "num_exes": 1, "input_file_size": 1.5,
        "created": "2026-01-01T04:00:00Z", "queued": "2026-01-01T04:01:00Z",
        "started": "2026-01-01T04:02:00Z", "last_modified": NOW, "last_status_change": NOW,
        "source_sensor_class": nasty("sensor-class"), "source_sensor": nasty("sensor"),
        "source_collection": nasty("collection"), "source_task": nasty("task"),
    }  # fmt: skip


def job_details(job_id: int) -> dict[str, Any]:
    details = job(job_id)
    details["job_type_rev"]["manifest"] = manifest()
    details |= {
        "superseded_job": {"id": 1, "status": nasty("S1"), "job_type": _job_type("superseded")},
        "superseded_by_job": {"id": 2, "status": nasty("S2"), "job_type": _job_type("by")},
        "execution": execution_details(job_id),
        "input": {"files": {nasty("input"): [1, 2]}, "json": {nasty("key"): nasty("value")}},
        "output": {"files": {}, "json": {"result": nasty("output")}},
        "configuration": {"priority": nasty("priority"), nasty("setting"): nasty("value")},
        "resources": {"resources": {"cpus": 1.0, nasty("gpu"): nasty("lots")}},
    }  # fmt: skip
    return details


def manifest() -> dict[str, Any]:
    return {
        "seedVersion": "1.0.0",
        "job": {
            "name": nasty("manifest-name"), "jobVersion": "1.0.0", "packageVersion": "1.0.0",
            "title": nasty("manifest-title"), "description": nasty("manifest-description"),
            "interface": {
                "command": nasty("command"),
                "inputs": {
                    "files": [{"name": nasty("input_file"), "required": True,
                               "mediaTypes": [nasty("image/tiff")], "multiple": False}],
                    "json": [{"name": nasty("input_json"), "type": "string",
                              "required": False}],
                },
            },
            "errors": [{"code": 1, "name": nasty("err"), "title": nasty("err-title"),
                        "description": nasty("err-description"), "category": "job"}],
        },
    }  # fmt: skip


def execution(job_id: int) -> dict[str, Any]:
    return {
        "id": 100 + job_id, "status": "RUNNING" if job_id == 1 else "FAILED", "exe_num": 1,
        "cluster_id": nasty("cluster"), "created": "2026-01-01T04:01:00Z",
        "queued": "2026-01-01T04:01:00Z", "started": "2026-01-01T04:02:00Z",
        "ended": None if job_id == 1 else NOW, "job": {"id": job_id}, "node": _node(),
        "error": _error("exe"), "job_type": _job_type("exe"), "timeout": 600,
    }  # fmt: skip


def execution_details(job_id: int) -> dict[str, Any]:
    return execution(job_id) | {
        "task_results": {"version": "1.0", "tasks": [
            {"task_id": nasty("task-id"), "type": nasty("main"), "was_launched": True,
             "launched": NOW, "was_started": True, "started": NOW, "ended": NOW,
             "exit_code": 1, "status": nasty("task-status")}]},
        "resources": {"resources": {"cpus": 1.0, nasty("mem"): nasty("lots")}},
        "configuration": {"tasks": [{"type": nasty("main"), "args": nasty("args")}]},
        "output": {"output_data": [{"name": nasty("out"), "value": nasty("value")}]},
    }  # fmt: skip


def input_files() -> dict[str, Any]:
    return page([{
        "id": 21, "file_name": nasty("file.tif"), "media_type": nasty("image/tiff"),
        "file_type": nasty("SOURCE"), "file_size": 1024, "file_path": nasty("path"),
        "workspace": {"id": 1, "name": nasty("workspace")}, "countries": [nasty("XX")],
        "url": nasty("http://files.test/x"), "created": NOW,
    }])  # fmt: skip


def log_hits() -> dict[str, Any]:
    messages = [nasty("log"), "\x1b[31mred SGR\x1b[0m plain", BIG, "tab\there\r",
                "[bold red]not markup[/]", "\x1b]52;c;ZXZpbA==\x07", "x\u202ey"]
    hits = [{"_source": {"@timestamp": f"2026-01-01T04:02:{i:02d}.000Z", "scale_order_num": i,
                         "stream": "stderr" if i % 2 else "stdout", "message": message}}
            for i, message in enumerate(messages)]
    return {"hits": {"total": len(hits), "hits": hits}}


def page(results: list[Any]) -> dict[str, Any]:
    return {"count": len(results), "next": None, "previous": None, "results": results}


def detail(tag: str) -> dict[str, Any]:
    return {"detail": nasty(f"{tag} detail")}


_ROUTES: list[tuple[str, str, Any]] = [
    ("GET", r"/v6/version/", lambda m: {"version": nasty("7.0")}),
    ("GET", r"/v6/scheduler/", lambda m: {"is_paused": False, "num_message_handlers": 1,
                                          "system_logging_level": nasty("INFO")}),
    ("GET", r"/v6/jobs/", lambda m: page([job(i) for i in JOB_IDS])),
    ("GET", r"/v6/jobs/(\d+)/", lambda m: job_details(int(m[1])) if int(m[1]) in JOB_IDS
     else (404, detail("no such job"))),
    ("GET", r"/v6/jobs/(\d+)/executions/", lambda m: page([execution(int(m[1]))])
     if int(m[1]) != 3 else (400, detail("executions"))),
    ("GET", r"/v6/jobs/(\d+)/executions/(\d+)/", lambda m: execution_details(int(m[1]))),
    ("GET", r"/v6/jobs/(\d+)/input_files/", lambda m: input_files() if m[1] == "1"
     else (400, detail("input files"))),
    ("GET", r"/v6/job-executions/(\d+)/logs/\w+/", lambda m: log_hits()),
    ("GET", r"/v6/job-type-names/", lambda m: page([
        {"name": nasty("type-name"), "title": nasty("t"), "versions": [nasty("v")],
         "latest_version": nasty("v")}])),
    ("GET", r"/v6/job-types/", lambda m: page([_job_type("queue")])),
    ("GET", r"/v6/job-types/(.+)/(.+)/", lambda m: _job_type("details") | {
        "manifest": manifest(), "configuration": {"priority": 1}}),
    ("POST", r"/v6/jobs/cancel/", lambda m: (400, detail("cancel"))),
    ("POST", r"/v6/jobs/requeue/", lambda m: (400, detail("requeue"))),
    ("POST", r"/v6/jobs/", lambda m: (400, {"input": [nasty("queue field error")]})),
]


def _answer(pattern: str, build) -> Callable[[httpx.Request], httpx.Response]:
    def answer(request: httpx.Request) -> httpx.Response:
        result = build(re.fullmatch(pattern, request.url.path))
        status, data = result if isinstance(result, tuple) else (200, result)
        return httpx.Response(status, headers=JSON, content=encode(data))

    return answer


def _no_route(request: httpx.Request) -> httpx.Response:
    return httpx.Response(404, headers=JSON, content=encode(detail(f"no route {request.url.path}")))


def scale() -> FakeScale:
    """The hostile Scale: the one fake, every route answered with hostile data."""
    fake = FakeScale()
    for method, pattern, build in _ROUTES:
        fake.on(method, pattern, _answer(pattern, build))
    fake.on("*", ".*", _no_route)
    return fake


def encode(data: Any) -> bytes:
    """JSON as a careless server writes it: lone surrogates escaped, and invalid UTF-8 bytes."""
    text = json.dumps(data)  # ensure_ascii: "\udc80" travels as an escape
    return text.encode("ascii").replace(BAD_UTF8_MARK.encode(), b"\xff\xfe\xc3(")
