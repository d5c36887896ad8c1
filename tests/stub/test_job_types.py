"""The job-type endpoints as Scale's job/views.py and JobTypeManager (job/models.py) serve them
(issue 16, point 6)."""

from __future__ import annotations

import re

import pytest

from tests.stub.conftest import every_page

SIX_DIGITS = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$")
NO_FRACTION = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$")
# job/job_type_serializers.py JobTypeBaseSerializerV6 / JobTypeSerializerV6 under DRF 3.9
BASE = ["id", "name", "version", "title", "description", "is_active", "is_system", "is_paused",
        "is_published", "icon_code", "unmet_resources"]
LISTING = [*BASE, "max_scheduled", "max_tries", "revision_num", "docker_image", "created",
           "deprecated", "paused", "last_modified"]


def test_versions_of_a_name_are_newest_first(http):
    # JobTypeVersionsView.list: order = ['-version']
    body = http.get("/v6/job-types/landsat8-parse/").json()
    assert [t["version"] for t in body["results"]] == ["1.0.0", "0.9.0"]
    assert list(body["results"][0]) == LISTING
    inactive = http.get("/v6/job-types/landsat8-parse/", params={"is_active": "false"}).json()
    assert [t["version"] for t in inactive["results"]] == ["0.9.0"]


def test_job_type_names_carry_the_base_flags_and_every_version(http):
    # JobTypeListSerializerV6: the base fields without id and version, + versions, latest
    names = http.get("/v6/job-type-names/").json()["results"]
    assert list(names[0]) == [*[f for f in BASE if f not in ("id", "version")],
                              "versions", "latest_version"]
    # filtered to the active types, the name still lists its retired 0.9.0 and its newest
    active = http.get("/v6/job-type-names/", params={"is_active": "true"}).json()["results"]
    parse = next(n for n in active if n["name"] == "landsat8-parse")
    assert sorted(parse["versions"]) == ["0.9.0", "1.0.0"]
    assert parse["latest_version"] == "1.0.0"
    assert [n["name"] for n in names] == sorted(n["name"] for n in names)


def test_details_carry_recipe_types_and_six_digit_times(http):
    # JobTypeDetailsSerializerV6: + manifest, configuration, recipe_types
    details = http.get("/v6/job-types/landsat8-parse/1.0.0/").json()
    assert list(details) == [*LISTING, "manifest", "configuration", "recipe_types"]
    assert [r["name"] for r in details["recipe_types"]] == ["landsat8-pipeline"]
    assert list(details["recipe_types"][0]) == [
        "id", "name", "title", "description", "revision_num", "is_active", "is_system",
        "created", "deprecated", "last_modified"]
    assert details["created"] == "2015-05-15T12:02:52.455000Z"  # fixture: ...52.455Z
    # DRF's DateTimeField: isoformat(), so six digits, or none when the microseconds are 0
    listed = http.get("/v6/job-types/").json()["results"]
    times = [t[k] for t in listed for k in ("created", "deprecated", "paused", "last_modified")
             if t[k]]
    assert all(SIX_DIGITS.match(v) or NO_FRACTION.match(v) for v in times), times


@pytest.mark.parametrize("keyword,expected", [
    ("ortho", {"landsat8-ortho", "wv2-ortho"}),  # the name, case-insensitively
    ("ORTHO", {"landsat8-ortho", "wv2-ortho"}),
])
def test_keyword_matches_the_name_or_a_tag(http, keyword, expected):
    got = {t["name"] for t in http.get("/v6/job-types/", params={"keyword": keyword})
           .json()["results"]}
    assert expected <= got
    assert all(keyword.lower() in name for name in got) or got  # name or a tag matched


def test_keyword_does_not_match_the_title_or_description(http):
    # get_job_types_v6: Q(name__icontains) | Q(jobtypetag__tag__icontains), nothing else
    body = http.get("/v6/job-types/", params={"keyword": "satellite"}).json()
    assert body["count"] == 0  # only in landsat8-parse's description


@pytest.mark.parametrize("path,status,field", [
    ("/v6/job-types/pending/", "PENDING", "longest_pending"),
    ("/v6/job-types/running/", "RUNNING", "longest_running"),
])
def test_pending_and_running_are_scale_views(http, all_jobs, path, status, field):
    body = http.get(path).json()
    counts = {r["job_type"]["id"]: r["count"] for r in body["results"]}
    expected: dict[int, int] = {}
    for job in all_jobs:
        if job["status"] == status:
            expected[job["job_type"]["id"]] = expected.get(job["job_type"]["id"], 0) + 1
    assert counts == expected and counts
    assert list(body["results"][0]) == ["job_type", "count", field]
    oldest = [r[field] for r in body["results"]]
    assert oldest == sorted(oldest)


def test_system_failures_group_system_errors_newest_first(http, all_jobs):
    body = http.get("/v6/job-types/system-failures/").json()
    assert body["results"]
    first = body["results"][0]
    assert list(first) == ["job_type", "error", "count", "first_error", "last_error"]
    assert all(r["error"]["category"] == "SYSTEM" for r in body["results"])
    last = [r["last_error"] for r in body["results"]]
    assert last == sorted(last, reverse=True)
    total = sum(r["count"] for r in body["results"])
    assert total == sum(1 for j in all_jobs if j["status"] == "FAILED"
                        and j["error"] and j["error"]["category"] == "SYSTEM")


def test_status_counts_use_last_status_change_and_always_count_running(http, all_jobs):
    # get_status: Q(status='RUNNING') | Q(last_status_change__gte=started, ...)
    future = "2099-01-01T00:00:00Z"
    body = every_page(http, "/v6/job-types/status/", {"started": future, "page_size": 100})
    statuses = {c["status"] for r in body for c in r["job_counts"]}
    assert statuses == {"RUNNING"}
    running = sum(c["count"] for r in body for c in r["job_counts"])
    assert running == sum(1 for j in all_jobs if j["status"] == "RUNNING")
    # a window on last_status_change, not last_modified
    probe = max(all_jobs, key=lambda j: j["last_status_change"] or "")
    window = every_page(http, "/v6/job-types/status/", {
        "started": probe["last_status_change"], "page_size": 100})
    counted = sum(c["count"] for r in window for c in r["job_counts"] if c["status"] != "RUNNING")
    assert counted == sum(1 for j in all_jobs if j["status"] != "RUNNING"
                          and (j["last_status_change"] or "") >= probe["last_status_change"])


def test_validation_is_post_only(http):
    r = http.get("/v6/job-types/validation/")
    assert r.status_code == 405


def test_names_outside_the_url_pattern_are_djangos_404(http):
    r = http.get("/v6/job-types/a%20b/")
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
