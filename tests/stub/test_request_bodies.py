"""What the stub does with a request body it cannot or must not act on (issue 16, points 1, 2, 4
and the hardening list). Each test names the Scale (or DRF/Django) source it follows."""

from __future__ import annotations

import json
import socket
import time
from urllib.parse import urlsplit

import httpx
import pytest

from server_stub.http.routes.common import MAX_DEPTH
from server_stub.http.web import MAX_BODY
from server_stub.runner import StubServer
from server_stub.store import command_log
from server_stub.store.params import BadParameter, Params

ACTIONS = ["/v6/jobs/cancel/", "/v6/jobs/requeue/"]


def job_statuses(client) -> dict[int, str]:
    body = client.get("/v6/jobs/", params={"page_size": 1000}).json()
    return {j["id"]: j["status"] for j in body["results"]}


# 1. rest_framework/request.py Request._parse: a body with no Content-Type has media type "",
#    which no parser takes (JSONParser only on CancelJobsView/RequeueJobsView, job/views.py;
#    DRF's defaults on JobsView.post), so DRF raises UnsupportedMediaType: 415, nothing applied.
@pytest.mark.parametrize("path", [*ACTIONS, "/v6/jobs/"])
def test_a_body_without_content_type_is_415_and_changes_nothing(fresh, path):
    before = job_statuses(fresh)
    r = fresh.post(path, content=b'{"job_ids": [1]}')
    assert r.status_code == 415
    assert r.json() == {"detail": 'Unsupported media type "" in request.'}
    fresh.post("/_stub/drain")
    assert job_statuses(fresh) == before


@pytest.mark.parametrize("path", ACTIONS)
def test_an_empty_body_without_content_type_is_no_filter_as_in_drf(fresh, path):
    # Request._parse: no stream (Content-Length 0) is empty data, whatever the content type.
    r = fresh.post(path, content=b"")
    assert r.status_code == 202


# 2. util/rest.py parse_string / parse_int_list reject a value before a message is sent;
#    the stub checks the JSON type of each value at request time as well.
@pytest.mark.parametrize("body,detail", [
    ({"status": ["FAILED"], "job_ids": [1]}, 'Parameter must be a string: "status"'),
    ({"job_type_names": [["a"]]}, 'Parameter must be a list of strings: "job_type_names"'),
    ({"error_categories": [{}]}, 'Parameter must be a list of strings: "error_categories"'),
    ({"job_ids": [{}]}, 'Parameter must be a valid integer: "job_ids"'),
    ({"started": 5}, "Invalid ISO timestamp format for parameter: started"),
])
@pytest.mark.parametrize("path", ACTIONS)
def test_values_of_the_wrong_type_are_refused_at_request_time(fresh, path, body, detail):
    r = fresh.post(path, json=body)
    assert r.status_code == 400
    assert r.json() == {"detail": detail}


def test_one_failing_command_is_recorded_skipped_and_the_next_still_applies(fresh, monkeypatch):
    # Scale sends each cancel as its own message (job/views.py CancelJobsView.post ->
    # CommandMessageManager().send_messages); a message that fails never stops the next one.
    real = command_log.apply_cancel

    def fail_for_job_1(conn, body, now):
        if body["args"] == [1]:
            raise RuntimeError("injected failure")
        return real(conn, body, now)

    monkeypatch.setattr(command_log, "apply_cancel", fail_for_job_1)
    statuses = job_statuses(fresh)
    target = next(i for i, s in sorted(statuses.items()) if i > 1 and s == "RUNNING")
    fresh.delete("/_stub/requests")
    assert fresh.post("/v6/jobs/cancel/", json={"job_ids": [1]}).status_code == 202
    assert fresh.post("/v6/jobs/cancel/", json={"job_ids": [target]}).status_code == 202
    drained = fresh.post("/_stub/drain")
    assert drained.status_code == 200
    # the background applier may have taken some already; what is left all drained cleanly
    after = job_statuses(fresh)
    assert after[target] == "CANCELED"
    assert after[1] == statuses[1]  # the failed command's transaction was rolled back
    log = [e for e in fresh.get("/_stub/requests").json() if e["path"] == "/v6/jobs/cancel/"]
    assert log[0]["command"]["status"] == "FAILED"
    assert log[0]["command"]["error"] == "RuntimeError: injected failure"
    assert log[1]["command"]["status"] == "APPLIED"
    # and a later command still goes through
    monkeypatch.setattr(command_log, "apply_cancel", real)
    assert fresh.post("/v6/jobs/cancel/", json={"job_ids": [1]}).status_code == 202
    assert fresh.post("/_stub/drain").status_code == 200
    assert job_statuses(fresh)[1] in ("CANCELED", "COMPLETED")


def test_drain_counts_failed_commands_and_never_500s(fresh):
    state = fresh.stub.state
    from server_stub.store.jobquery import JobQuery

    # a command row no request could produce any more: the applier must survive it anyway
    command_log.record(state.db, "cancel", JobQuery(where=["no_such_column = ?"], args=[1]))
    command_log.record(state.db, "cancel", JobQuery(where=["id = ?"], args=[[1, 2]]))
    r = fresh.post("/_stub/drain")
    assert r.status_code == 200
    assert r.json()["failed"] + 0 <= r.json()["applied"]
    with state.db.read() as conn:
        rows = conn.execute("SELECT applied, error FROM commands ORDER BY id").fetchall()
    assert all(row["applied"] is not None for row in rows)
    assert sum(row["error"] is not None for row in rows) == 2


# 4. util/rest.py _get_param / _get_param_list: a value of None is the same as no value.
def test_json_null_means_absent_in_every_parser():
    p = Params([], {"status": None, "priority": None, "is_superseded": None, "job_ids": None,
                    "started": None, "input": None})
    assert p.string("status") is None
    assert p.int("priority") is None
    assert p.bool("is_superseded") is None
    assert p.int_list("job_ids") == []
    assert p.timestamp("started") is None
    assert p.dict("input", default={}) == {}
    assert not p.has("status")
    with pytest.raises(BadParameter, match='Missing required parameter: "job_type_id"'):
        Params([], {"job_type_id": None}).int("job_type_id", required=True)


@pytest.mark.parametrize("body", [{"priority": None, "is_superseded": None, "job_ids": [1]},
                                  {"status": None, "job_type_ids": None, "started": None}])
def test_null_values_on_requeue_are_accepted(fresh, body):
    assert fresh.post("/v6/jobs/requeue/", json=body).status_code == 202


def test_null_job_type_id_is_missing_and_null_input_is_no_input(fresh):
    # job/views.py JobsView.post: parse_int(job_type_id) required; parse_dict(input, {});
    # parse_dict(configuration, required=False).
    r = fresh.post("/v6/jobs/", json={"job_type_id": None})
    assert r.status_code == 400
    assert r.json() == {"detail": 'Missing required parameter: "job_type_id"'}
    catalog = fresh.stub.state.catalog
    free = [jt for jt in catalog.job_types.values() if jt.raw["is_active"] and not any(
        spec.get("required", True) for spec in [*jt.file_inputs, *jt.json_inputs])]
    assert free, "the catalog has an active job type whose inputs are all optional"
    r = fresh.post("/v6/jobs/", json={"job_type_id": free[0].id, "input": None,
                                      "configuration": None})
    assert r.status_code == 201, r.text


# Hardening: a body over MAX_BODY is 413 without being read; nesting past MAX_DEPTH is 400.
def test_a_declared_oversized_body_is_refused_before_it_is_read(fresh_stub):
    host, port = urlsplit(fresh_stub.url).hostname, urlsplit(fresh_stub.url).port
    with socket.create_connection((host, port), timeout=5) as sock:
        sock.sendall(b"POST /v6/jobs/cancel/ HTTP/1.1\r\nHost: x\r\nContent-Type: "
                     b"application/json\r\nContent-Length: 10485760\r\n\r\n")
        # nothing of the 10 MB is sent: the answer comes from the header alone
        answer = b""
        while b"exceeds" not in answer and (data := sock.recv(65536)):
            answer += data  # the status line and the body may come in separate reads
        answer = answer.decode()
    assert answer.startswith("HTTP/1.1 413")
    assert f"Request body exceeds {MAX_BODY} bytes." in answer


def test_a_chunked_oversized_body_is_413_and_other_clients_are_not_stalled(fresh):
    def chunks():
        piece = b" " * 65536
        yield b'{"job_ids": ['
        for _ in range(10 * 16):  # 10 MB, more than MAX_BODY
            yield piece
        yield b"1]}"

    started = time.monotonic()
    r = fresh.post("/v6/jobs/cancel/", content=chunks(),
                   headers={"content-type": "application/json"})
    assert r.status_code == 413
    assert time.monotonic() - started < 20  # a guard against reading all 10 MB, not a timing
    assert fresh.get("/v6/jobs/", params={"page_size": 1}).status_code == 200


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
@pytest.mark.parametrize("path", [*ACTIONS, "/v6/jobs/"])
def test_deep_nesting_is_a_400(fresh, path, depth):
    body = '{"job_ids": ' + "[" * depth + "]" * depth + "}"
    r = fresh.post(path, content=body, headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json() == {"detail": f"JSON parse error - nesting deeper than {MAX_DEPTH} levels"}


def test_moderate_nesting_is_still_parsed(fresh):
    body = {"job_type_id": 1, "input": {"json": {"a": [[[[1]]]]}}}
    r = fresh.post("/v6/jobs/", content=json.dumps(body),
                   headers={"content-type": "application/json"})
    assert r.status_code != 400 or "nesting" not in r.text


# util/parse.py parse_timestamp: now - duration overflows before year 1; rest.py's bare except
# answers 400 "Invalid ISO timestamp format".
@pytest.mark.parametrize("value", ["P99999999999D", "P999999999D", "P1000000D"])
def test_a_duration_too_long_to_subtract_is_a_400(http, value):
    r = http.get("/v6/jobs/", params={"started": value})
    assert r.status_code == 400
    assert r.json() == {"detail": "Invalid ISO timestamp format for parameter: started"}


# With --token, the /_stub/ controls need the token as the API does (DRF's
# TokenAuthentication + ScaleAPIPermissions, util/rest.py); the 301 still comes first
# (Django's CommonMiddleware runs before DRF's authentication).
@pytest.fixture(scope="module")
def secured():
    with StubServer(jobs=20, seed=3, simulate=False, token="s3cret") as server:
        yield server.url


@pytest.mark.parametrize("method,path", [("GET", "/_stub/requests"),
                                         ("DELETE", "/_stub/requests"),
                                         ("POST", "/_stub/tick"), ("POST", "/_stub/drain"),
                                         ("GET", "/_stub/openapi.json"),
                                         ("GET", "/_stub/docs")])
def test_stub_controls_need_the_token_too(secured, method, path):
    r = httpx.request(method, secured + path)
    assert r.status_code == 403
    assert r.json() == {"detail": "Authentication credentials were not provided."}
    ok = httpx.request(method, secured + path, headers={"Authorization": "Token s3cret"})
    assert ok.status_code in (200, 204)


def test_missing_slash_redirects_before_the_token_is_checked(secured):
    r = httpx.get(secured + "/v6/jobs")
    assert r.status_code == 301


def test_the_request_log_keeps_no_large_body(fresh):
    # 500 entries of up to 1 MiB each would hold half a gigabyte; a large body is only counted
    body = b'{"job_ids": [' + b" " * 100_000 + b"1]}"
    r = fresh.post("/v6/jobs/cancel/", content=body, headers={"content-type": "application/json"})
    assert r.status_code == 202
    entry = fresh.get("/_stub/requests").json()[-1]
    assert entry["body"] is None and entry["body_bytes"] == len(body)
