"""``order`` on the job list follows Django field paths as Scale's ``JobManager.filter_jobs``
(scale/job/models.py) hands them to ``order_by`` (issue 16, point 3)."""

from __future__ import annotations

import pytest

from server_stub.store.catalog import Catalog
from server_stub.store.ordering import field_sql, order_by
from server_stub.store.params import BadParameter
from tests.stub.conftest import every_page


def ts(value):
    return value or ""


def ordered(http, *orders):
    return every_page(http, "/v6/jobs/", [*(("order", o) for o in orders),
                                          ("page_size", 1000)])


def is_sorted(keys, reverse=False):
    """PostgreSQL order with NULLs last ascending / first descending."""
    known = [k for k in keys if k is not None]
    nulls = len(keys) - len(known)
    if reverse:
        return keys[:nulls] == [None] * nulls and known == sorted(known, reverse=True)
    return keys[len(known):] == [None] * nulls and known == sorted(known)


# The console's own Node column sorts by node__hostname (scale_tui/core/jobs_columns.py).
@pytest.mark.parametrize("order", ["node__hostname", "-node__hostname"])
def test_order_by_node_hostname(http, order):
    got = ordered(http, order)
    hosts = [j["node"]["hostname"] if j["node"] else None for j in got]
    assert len(got) == 300 and any(hosts)
    assert is_sorted(hosts, reverse=order.startswith("-"))


@pytest.mark.parametrize("order,key", [
    ("event__occurred", lambda j: j["event"]["occurred"] if j["event"] else None),
    ("batch__title", lambda j: j["batch"]["title"] if j["batch"] else None),
    ("job_type_rev__revision_num", lambda j: j["job_type_rev"].get("revision_num")
     if "revision_num" in j["job_type_rev"] else None),
    ("error__name", lambda j: j["error"]["name"] if j["error"] else None),
    ("-error__category", lambda j: j["error"]["category"] if j["error"] else None),
    ("job_type__version", lambda j: j["job_type"]["version"]),
    ("node_id", lambda j: j["node"]["id"] if j["node"] else None),
])
def test_django_paths_scale_accepts_sort_the_whole_list(http, order, key):
    got = ordered(http, order)
    assert len(got) == 300
    keys = [key(j) for j in got]
    if all(k is None for k in keys):
        pytest.skip("the list does not show this field")
    assert is_sorted(keys, reverse=order.startswith("-"))


@pytest.mark.parametrize("order", [
    "job_type__is_active", "job_type_rev__job_type__name", "node__is_paused", "recipe__created",
    "-recipe", "superseded_job__started", "event__type", "error__should_be_retried",
    "batch__created", "ingest_event__occurred", "root_recipe", "job_type__max_tries",
])
def test_other_model_fields_are_accepted(http, order):
    r = http.get("/v6/jobs/", params={"order": order, "page_size": 5})
    assert r.status_code == 200, r.text
    assert r.json()["count"] == 300


# Not fields of Job / JobType in Scale's models: Django raises FieldError, a 500 in Scale.
@pytest.mark.parametrize("order,why", [
    ("priority", "a job's priority is in its configuration"),
    ("-priority", "a job's priority is in its configuration"),
    ("job_type__title", "a job type's title is in its manifest"),
])
def test_fields_scale_does_not_have_are_a_clear_400(http, order, why):
    r = http.get("/v6/jobs/", params={"order": order})
    assert r.status_code == 400
    assert why in r.json()["detail"]


@pytest.mark.parametrize("order", ["node__nope", "event__occurred__x", "job_type_rev__name",
                                   "superseded_job__node__hostname", "recipe"])
def test_paths_that_are_not_fields_are_a_400(http, order):
    r = http.get("/v6/jobs/", params={"order": order})
    assert r.status_code == 400
    assert order in r.json()["detail"]


def test_first_value_ending_in_duration_or_job_type_is_scales_special_case():
    catalog = Catalog.load()
    # `order[0].endswith("duration")` and `order[0].endswith("job_type")` in filter_jobs
    assert order_by(["xduration", "id"], catalog) == order_by(["duration"], catalog)
    assert order_by(["-job_type", "id"], catalog) == order_by(["-job_type__name"], catalog)
    assert field_sql("node__hostname", catalog).startswith("(CASE node_id")
    with pytest.raises(BadParameter):
        order_by(["id", "job_type"], catalog)
