"""Pagination as DRF does it for Scale: sizes, edges, next/previous URLs."""

from __future__ import annotations

import pytest


def test_default_page_is_100_with_absolute_next_link(http, stub_url):
    body = http.get("/v6/jobs/").json()
    assert body["count"] == 300 and len(body["results"]) == 100
    assert body["next"] == f"{stub_url}/v6/jobs/?page=2"
    assert body["previous"] is None


def test_next_and_previous_keep_the_query_sorted_by_key(http, stub_url):
    body = http.get("/v6/jobs/?status=COMPLETED&page_size=2&page=3&job_type_id=1&job_type_id=5"
                    ).json()
    assert body["next"] == (f"{stub_url}/v6/jobs/?job_type_id=1&job_type_id=5&page=4"
                            "&page_size=2&status=COMPLETED")
    assert body["previous"] == (f"{stub_url}/v6/jobs/?job_type_id=1&job_type_id=5&page=2"
                                "&page_size=2&status=COMPLETED")


def test_previous_of_page_two_drops_the_page_parameter(http, stub_url):
    body = http.get("/v6/jobs/", params={"page": 2, "page_size": 10}).json()
    assert body["previous"] == f"{stub_url}/v6/jobs/?page_size=10"


def test_encoded_plus_survives_in_links(http, stub_url):
    body = http.get("/v6/jobs/", params={"page_size": 5,
                                         "started": "2026-01-01T00:00:00+00:00"}).json()
    assert "started=2026-01-01T00%3A00%3A00%2B00%3A00" in body["next"]


def test_page_last_is_the_last_page(http):
    body = http.get("/v6/jobs/", params={"page": "last", "page_size": 70}).json()
    assert len(body["results"]) == 300 - 4 * 70
    assert body["next"] is None and "page=4" in body["previous"]


@pytest.mark.parametrize("page", ["0", "-1", "x", "4", "1.0"])
def test_invalid_page_is_404_invalid_page(http, page):
    r = http.get("/v6/jobs/", params={"page": page, "page_size": 100})
    assert r.status_code == 404
    assert r.json() == {"detail": "Invalid page."}


@pytest.mark.parametrize("size,expected", [("0", 100), ("-5", 100), ("abc", 100), ("7", 7),
                                           ("5000", 300)])
def test_bad_page_size_falls_back_silently_and_large_is_capped(http, size, expected):
    r = http.get("/v6/jobs/", params={"page_size": size})
    assert r.status_code == 200
    assert len(r.json()["results"]) == expected


def test_page_size_is_capped_at_1000(fresh):
    conn = fresh.stub.state.db  # double the 300 jobs twice: 1200
    with conn.write() as c:
        c.execute("INSERT INTO jobs (job_type_id, status, max_tries, priority, created, "
                  "last_modified) SELECT job_type_id, status, max_tries, priority, created, "
                  "last_modified + 1 FROM jobs")
        c.execute("INSERT INTO jobs (job_type_id, status, max_tries, priority, created, "
                  "last_modified) SELECT job_type_id, status, max_tries, priority, created, "
                  "last_modified + 2 FROM jobs")
    body = fresh.get("/v6/jobs/", params={"page_size": 5000}).json()
    assert body["count"] == 1200 and len(body["results"]) == 1000


def test_empty_result_has_page_one_only(http):
    body = http.get("/v6/jobs/", params={"status": "NOPE"}).json()
    assert body == {"count": 0, "next": None, "previous": None, "results": []}
    assert http.get("/v6/jobs/", params={"status": "NOPE", "page": 2}).status_code == 404
    assert http.get("/v6/jobs/", params={"status": "NOPE", "page": "last"}).status_code == 200


def test_pages_do_not_overlap_or_skip(http, all_jobs):
    seen = []
    for page in range(1, 5):
        seen += [j["id"] for j in http.get("/v6/jobs/", params={"page": page, "page_size": 80}
                                            ).json()["results"]]
    assert seen == [j["id"] for j in all_jobs]
