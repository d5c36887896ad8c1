"""GET /v6/jobs/: every filter against a brute-force filter of the whole data set; ordering."""

from __future__ import annotations

import itertools
from datetime import datetime

import pytest

from tests.stub.conftest import every_page


def ts(text: str | None) -> datetime | None:
    return None if text is None else datetime.fromisoformat(text.replace("Z", "+00:00"))


def ids(jobs) -> list[int]:
    return [j["id"] for j in jobs]


def test_default_order_is_last_modified_ascending_and_includes_superseded(http, all_jobs):
    modified = [ts(j["last_modified"]) for j in all_jobs]
    assert modified == sorted(modified)
    assert any(j["is_superseded"] for j in all_jobs)


def test_seed_covers_every_status_and_error_category(all_jobs):
    assert {j["status"] for j in all_jobs} == {
        "PENDING", "BLOCKED", "QUEUED", "RUNNING", "FAILED", "COMPLETED", "CANCELED"}
    categories = {j["error"]["category"] for j in all_jobs if j["error"]}
    assert categories == {"SYSTEM", "ALGORITHM", "DATA"}
    assert any(j["error"] and not j["error"]["is_builtin"] for j in all_jobs)
    assert all(j["error"] is None for j in all_jobs if j["status"] != "FAILED")


def _pick(all_jobs, key):
    values = [key(j) for j in all_jobs if key(j) is not None]
    return sorted(set(values), key=str)


CASES = {
    "status": (lambda j: j["status"], lambda j, v: j["status"] in v),
    "job_type_id": (lambda j: j["job_type"]["id"], lambda j, v: j["job_type"]["id"] in v),
    "job_type_name": (lambda j: j["job_type"]["name"], lambda j, v: j["job_type"]["name"] in v),
    "error_category": (lambda j: j["error"] and j["error"]["category"],
                       lambda j, v: bool(j["error"]) and j["error"]["category"] in v),
    "error_id": (lambda j: j["error"] and j["error"]["id"],
                 lambda j, v: bool(j["error"]) and j["error"]["id"] in v),
    "batch_id": (lambda j: j["batch"] and j["batch"]["id"],
                 lambda j, v: bool(j["batch"]) and j["batch"]["id"] in v),
    "recipe_id": (lambda j: j["recipe"] and j["recipe"]["id"],
                  lambda j, v: bool(j["recipe"]) and j["recipe"]["id"] in v),
    "job_id": (lambda j: j["id"], lambda j, v: j["id"] in v),
    "source_sensor_class": (lambda j: j["source_sensor_class"],
                            lambda j, v: j["source_sensor_class"] in v),
    "source_sensor": (lambda j: j["source_sensor"], lambda j, v: j["source_sensor"] in v),
    "source_collection": (lambda j: j["source_collection"],
                          lambda j, v: j["source_collection"] in v),
    "source_task": (lambda j: j["source_task"], lambda j, v: j["source_task"] in v),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_each_list_filter_matches_a_brute_force_filter(http, all_jobs, name):
    key, keep = CASES[name]
    values = _pick(all_jobs, key)
    assert len(values) >= 2, f"seed has too little variety for {name}"
    for chosen in ([values[0]], values[1:3]):
        got = every_page(http, "/v6/jobs/", [(name, str(v)) for v in chosen] + [("page_size", 37)])
        expected = [j["id"] for j in all_jobs if keep(j, chosen)]
        assert ids(got) == expected, (name, chosen)
        assert expected, (name, chosen)


def test_is_superseded_filters_both_ways(http, all_jobs):
    for flag, text in ((True, "true"), (False, "F")):
        got = every_page(http, "/v6/jobs/", {"is_superseded": text, "page_size": 1000})
        assert ids(got) == [j["id"] for j in all_jobs if j["is_superseded"] is flag]


def test_started_and_ended_filter_last_modified_inclusively(http, all_jobs):
    lm = sorted({j["last_modified"] for j in all_jobs})
    low, high = lm[50], lm[200]
    got = every_page(http, "/v6/jobs/", {"started": low, "ended": high, "page_size": 1000})
    expected = [j["id"] for j in all_jobs if ts(low) <= ts(j["last_modified"]) <= ts(high)]
    assert ids(got) == expected
    # The job's own started column plays no part: some matches started before `low`.
    assert any(j["started"] and ts(j["started"]) < ts(low) for j in got)


def test_source_time_filters(http, all_jobs):
    starts = sorted({j["source_started"] for j in all_jobs if j["source_started"]})
    ends = sorted({j["source_ended"] for j in all_jobs if j["source_ended"]})
    low, high = starts[len(starts) // 4], ends[3 * len(ends) // 4]
    got = every_page(http, "/v6/jobs/", {"source_started": low, "source_ended": high,
                                         "page_size": 1000})
    expected = [j["id"] for j in all_jobs if j["source_started"] and
                ts(j["source_started"]) >= ts(low) and ts(j["source_ended"]) <= ts(high)]
    assert ids(got) == expected and expected


def test_filters_combine_with_and(http, all_jobs):
    got = every_page(http, "/v6/jobs/", {"status": "COMPLETED", "job_type_name": "landsat8-parse",
                                         "page_size": 1000})
    expected = [j["id"] for j in all_jobs if j["status"] == "COMPLETED"
                and j["job_type"]["name"] == "landsat8-parse"]
    assert ids(got) == expected and expected


def test_a_comma_is_part_of_the_value_not_a_separator(http):
    body = http.get("/v6/jobs/", params={"status": "FAILED,COMPLETED"}).json()
    assert body["count"] == 0


def test_unknown_values_are_not_validated(http):
    assert http.get("/v6/jobs/", params={"status": "failed"}).json()["count"] == 0
    assert http.get("/v6/jobs/", params={"error_category": "NOPE"}).json()["count"] == 0


def test_job_type_name_matches_every_version(http, all_jobs):
    versions = {j["job_type"]["version"] for j in all_jobs
                if j["job_type"]["name"] == "landsat8-parse"}
    assert len(versions) == 2


ORDERS = {
    "id": lambda j: j["id"],
    "-id": lambda j: -j["id"],
    "created": lambda j: ts(j["created"]),
    "-last_modified": lambda j: ts(j["last_modified"]),
    "num_exes": lambda j: j["num_exes"],
    "status": lambda j: j["status"],
}


@pytest.mark.parametrize("order", sorted(ORDERS))
def test_each_order_sorts_the_whole_result(http, all_jobs, order):
    got = every_page(http, "/v6/jobs/", {"order": order, "page_size": 50})
    assert len(got) == 300
    keys = [ORDERS[order](j) for j in got]
    assert keys == sorted(keys, reverse=order == "-last_modified")


def test_order_by_job_type_uses_its_name_and_ignores_later_values(http):
    got = every_page(http, "/v6/jobs/", [("order", "-job_type"), ("order", "id"),
                                         ("page_size", 1000)])
    names = [j["job_type"]["name"] for j in got]
    assert names == sorted(names, reverse=True)


def test_order_by_two_fields(http):
    got = every_page(http, "/v6/jobs/", [("order", "job_type__name"),
                                         ("order", "-job_type__version"), ("page_size", 1000)])
    pairs = [(j["job_type"]["name"], j["job_type"]["version"]) for j in got]
    for (n1, v1), (n2, v2) in itertools.pairwise(pairs):
        assert n1 < n2 or (n1 == n2 and v1 >= v2)


@pytest.mark.parametrize("order,longest_first", [("duration", False), ("-duration", True)])
def test_duration_order_puts_jobs_without_a_duration_last(http, order, longest_first):
    got = every_page(http, "/v6/jobs/", [("order", order), ("order", "-id"), ("page_size", 1000)])
    durations = [ts(j["ended"]) - ts(j["started"]) if j["started"] and j["ended"] else None
                 for j in got]
    known = [d for d in durations if d is not None]
    assert durations[:len(known)] == known
    assert known == sorted(known, reverse=longest_first)
    assert all(d is None for d in durations[len(known):])


def test_nulls_sort_last_ascending_and_first_descending(http):
    up = every_page(http, "/v6/jobs/", {"order": "ended", "page_size": 1000})
    down = every_page(http, "/v6/jobs/", {"order": "-ended", "page_size": 1000})
    assert up[0]["ended"] is not None and up[-1]["ended"] is None
    assert down[0]["ended"] is None and down[-1]["ended"] is not None


@pytest.mark.parametrize("order", ["nope", "recipe", "error.category", "a,b", "-job_type__x"])
def test_unknown_order_field_is_a_400_naming_it(http, order):
    r = http.get("/v6/jobs/", params={"order": order})
    assert r.status_code == 400
    assert order in r.json()["detail"]


def test_job_type_anywhere_but_first_is_rejected(http):
    r = http.get("/v6/jobs/", params=[("order", "id"), ("order", "job_type")])
    assert r.status_code == 400
