"""What Scale gets from Django and DRF: slashes, 404s, 405s, 415s, JSON errors, formats, v7."""

from __future__ import annotations

import httpx
import pytest

from server_stub.runner import StubServer


def test_missing_slash_is_a_301_keeping_the_query(http, stub_url):
    r = http.get("/v6/jobs?status=FAILED&page_size=2")
    assert r.status_code == 301
    assert r.headers["location"] == f"{stub_url}/v6/jobs/?status=FAILED&page_size=2"


def test_post_without_slash_is_also_a_301(http, stub_url):
    r = http.post("/v6/jobs/cancel", json={"job_ids": [1]})
    assert r.status_code == 301
    assert r.headers["location"] == f"{stub_url}/v6/jobs/cancel/"


def test_log_path_without_slash_redirects(http):
    assert http.get("/v6/job-executions/1/logs/combined").status_code == 301


@pytest.mark.parametrize("path", ["/v6/jobs/abc", "/v6/job-executions/1/logs/other",
                                  "/v6/nothing"])
def test_no_redirect_when_the_slashed_path_would_not_match_either(http, path):
    r = http.get(path)
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")


@pytest.mark.parametrize("path", ["/v6/jobs/abc/", "/v6/jobs/1x/executions/", "/v5/jobs/",
                                  "/v6/job-executions/1/logs/other/", "/v6/nothing/"])
def test_unrouted_paths_get_djangos_html_404(http, path):
    r = http.get(path)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("text/html")
    assert "Not Found" in r.text


def test_unknown_job_is_a_json_404(http):
    r = http.get("/v6/jobs/999999/")
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}


def test_unknown_execution_is_a_json_404(http):
    r = http.get("/v6/jobs/1/executions/99/")
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}


def test_executions_of_an_unknown_job_are_an_empty_page(http):
    r = http.get("/v6/jobs/999999/executions/")
    assert r.status_code == 200 and r.json()["count"] == 0


def test_input_files_of_an_unknown_job_are_404_not_500(http):
    r = http.get("/v6/jobs/999999/input_files/")
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}


@pytest.mark.parametrize("method,path", [("GET", "/v6/jobs/cancel/"),
                                         ("GET", "/v6/jobs/requeue/"),
                                         ("POST", "/v6/jobs/1/"), ("PUT", "/v6/jobs/"),
                                         ("DELETE", "/v6/jobs/1/executions/"),
                                         ("PATCH", "/v6/job-types/")])
def test_wrong_method_is_405_with_drfs_text(http, method, path):
    r = http.request(method, path)
    assert r.status_code == 405
    assert r.json() == {"detail": f'Method "{method}" not allowed.'}


@pytest.mark.parametrize("path", ["/v6/jobs/cancel/", "/v6/jobs/requeue/"])
def test_form_body_on_cancel_and_requeue_is_415(http, path):
    r = http.post(path, data={"job_ids": "1"})
    assert r.status_code == 415
    assert r.json() == {"detail": 'Unsupported media type '
                                  '"application/x-www-form-urlencoded" in request.'}


@pytest.mark.parametrize("path", ["/v6/jobs/cancel/", "/v6/jobs/requeue/", "/v6/jobs/"])
def test_malformed_json_is_a_parse_error(http, path):
    r = http.post(path, content=b"{nope", headers={"content-type": "application/json"})
    assert r.status_code == 400
    assert r.json()["detail"].startswith("JSON parse error - ")


def test_v7_serves_the_same_as_v6(http):
    v6 = http.get("/v6/jobs/", params={"page_size": 3}).json()
    v7 = http.get("/v7/jobs/", params={"page_size": 3}).json()
    assert v6["results"] == v7["results"]
    assert "/v7/jobs/" in v7["next"]


def test_unknown_format_is_404_and_json_format_is_json(http):
    assert http.get("/v6/jobs/", params={"format": "xml"}).status_code == 404
    assert http.get("/v6/jobs/", params={"format": "json"}).status_code == 200


def test_json_is_compact_and_not_ascii_escaped(http):
    r = http.get("/v6/jobs/1/")
    assert r.headers["content-type"] == "application/json"
    assert ", " not in r.text[:200] and '": ' not in r.text[:200]


def test_forwarded_headers_shape_absolute_links(http):
    r = http.get("/v6/jobs/", headers={"X-Forwarded-Host": "scale.example.com, proxy",
                                       "X-Forwarded-Proto": "https"})
    assert r.json()["next"] == "https://scale.example.com/v6/jobs/?page=2"


def test_request_log_records_method_path_query_and_body(fresh):
    fresh.post("/v6/jobs/cancel/", json={"job_ids": [3]})
    fresh.get("/v6/jobs/", params=[("status", "A"), ("status", "B")])
    log = fresh.get("/_stub/requests").json()
    command = log[-2].pop("command")
    assert log[-2] == {"method": "POST", "path": "/v6/jobs/cancel/", "query": [],
                       "body": {"job_ids": [3]}}
    assert command["kind"] == "cancel" and command["status"] in ("PENDING", "APPLIED")
    assert log[-1]["query"] == [["status", "A"], ["status", "B"]]


@pytest.fixture(scope="module")
def secured():
    with StubServer(jobs=20, seed=3, simulate=False, token="s3cret") as server:
        yield server.url


@pytest.mark.parametrize("headers,detail", [
    ({}, "Authentication credentials were not provided."),
    ({"Authorization": "Bearer s3cret"}, "Authentication credentials were not provided."),
    ({"Authorization": "Token wrong"}, "Invalid token."),
    ({"Authorization": "Token"}, "Invalid token header. No credentials provided."),
    ({"Authorization": "Token a b"},
     "Invalid token header. Token string should not contain spaces."),
])
def test_token_auth_refuses_with_drfs_403_texts(secured, headers, detail):
    r = httpx.get(f"{secured}/v6/jobs/", headers=headers)
    assert r.status_code == 403
    assert r.json() == {"detail": detail}
    assert "www-authenticate" not in r.headers


def test_token_auth_admits_the_right_token(secured):
    r = httpx.get(f"{secured}/v6/jobs/", headers={"Authorization": "Token s3cret"})
    assert r.status_code == 200 and r.json()["count"] == 20
    r = httpx.post(f"{secured}/v6/jobs/cancel/", json={"job_ids": [1]},
                   headers={"Authorization": "token s3cret"})
    assert r.status_code == 202


# Issue 16, point 7.
# Django's View.setup (django/views/generic/base.py): a view with `get` and no `head` serves
# HEAD with `get`; the server sends the headers without the body.
@pytest.mark.parametrize("path", ["/v6/jobs/", "/v6/jobs/1/", "/v6/job-types/", "/v6/version/",
                                  "/v6/job-executions/1/logs/combined/"])
def test_head_is_served_like_get_without_a_body(http, path):
    get = http.get(path)
    head = http.head(path)
    assert head.status_code == get.status_code
    assert head.content == b""
    assert head.headers["content-type"] == get.headers["content-type"]
    assert head.headers.get("content-length") == get.headers.get("content-length")


def test_head_of_a_missing_job_is_the_same_404(http):
    assert http.head("/v6/jobs/999999/").status_code == 404


# rest_framework/negotiation.py DefaultContentNegotiation.select_renderer over
# (JSONRenderer, PlainTextRenderer, StaticHTMLRenderer) of job/views.py
# JobExecutionSpecificLogView: precedence groups first, then the renderers' own order.
@pytest.mark.parametrize("accept,media", [
    ("text/html, application/json", "application/json"),
    ("text/html;q=1.0, application/json;q=0.1", "application/json"),
    ("text/html, text/plain", "text/plain"),
    ("text/html", "text/html"),
    ("text/*", "text/plain"),
    ("text/*, text/html", "text/html"),
    ("*/*", "application/json"),
    ("image/png, */*", "application/json"),
])
def test_log_renderer_is_picked_in_drfs_order(http, accept, media):
    r = http.get("/v6/job-executions/1/logs/combined/", headers={"Accept": accept})
    assert r.status_code == 200
    assert r.headers["content-type"].split(";")[0] == media


# scheduler/views.py VersionView: permission_classes = (AllowAny,); a token that is sent is
# still authenticated by DRF's TokenAuthentication.
def test_version_needs_no_credentials_but_refuses_a_wrong_token(secured):
    r = httpx.get(f"{secured}/v6/version/")
    assert r.status_code == 200 and "version" in r.json()
    r = httpx.get(f"{secured}/v6/version/", headers={"Authorization": "Token wrong"})
    assert r.status_code == 403 and r.json() == {"detail": "Invalid token."}
    assert httpx.get(f"{secured}/v6/jobs/").status_code == 403
