"""Execution logs: Elasticsearch shape, inclusive `started`, 204s, the 10,000-hit cap, formats."""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from server_stub.store.logs import BIG_LOG_LINES, seeded_line_count


def log(http, exe_id, stream="combined", **params):
    return http.get(f"/v6/job-executions/{exe_id}/logs/{stream}/", params=params)


def sources(response):
    return [h["_source"] for h in response.json()["hits"]["hits"]]


def key(src):
    return (src["@timestamp"], src["scale_order_num"])


def test_log_is_the_raw_elasticsearch_answer(http):
    r = log(http, 1)
    assert r.status_code == 200
    body = r.json()
    assert set(body) == {"took", "timed_out", "_shards", "hits"}
    hit = body["hits"]["hits"][0]
    assert set(hit["_source"]) == {"@timestamp", "scale_order_num", "message", "stream",
                                   "scale_job_exe"}
    lines = sources(r)
    assert body["hits"]["total"] == len(lines) == seeded_line_count(1)
    assert [key(s) for s in lines] == sorted(key(s) for s in lines)


def test_streams_split_the_combined_log(http):
    combined = sources(log(http, 2))
    out, err = sources(log(http, 2, "stdout")), sources(log(http, 2, "stderr"))
    assert out and err
    assert {s["stream"] for s in out} == {"stdout"} and {s["stream"] for s in err} == {"stderr"}
    assert sorted(map(key, out + err)) == [key(s) for s in combined]


def test_started_is_inclusive_and_204_when_nothing_is_newer(http):
    lines = sources(log(http, 3))
    last = lines[-1]["@timestamp"]
    again = sources(log(http, 3, started=last))
    assert again and again[-1] == lines[-1]
    # fluentd's @timestamp: nanoseconds and +00:00 (dockerfiles/fluentd/fluent.conf,
    # fluent-plugin-elasticsearch logstash_format); ES compares to the millisecond
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\+00:00$", last), last
    moment = datetime.fromisoformat(last) + timedelta(milliseconds=1)
    after = moment.isoformat(timespec="milliseconds")
    r = log(http, 3, started=after)
    assert r.status_code == 204 and r.content == b""


def test_a_big_log_pages_forward_by_started_at_10000_lines(http):
    r = log(http, 7)
    assert r.json()["hits"]["total"] == BIG_LOG_LINES
    seen = {}
    started = None
    for _ in range(10):
        page = sources(log(http, 7, **({"started": started} if started else {})))
        assert len(page) <= 10_000
        for s in page:
            seen[key(s)] = s
        if len(page) < 10_000:
            break
        started = page[-1]["@timestamp"]
    assert len(seen) == BIG_LOG_LINES


def test_logs_contain_markup_escapes_json_and_a_very_long_line(http):
    messages = [s["message"] for s in sources(log(http, 7)) + sources(log(http, 1))]
    assert any("[bold red]" in m for m in messages)
    assert any("\x1b[" in m for m in messages)
    assert any(m.startswith("{") for m in messages)
    assert any(len(m) > 5000 for m in messages)


def test_failed_execution_ends_with_a_traceback_on_stderr(http, all_jobs):
    job = next(j for j in all_jobs if j["status"] == "FAILED")
    exe = http.get(f"/v6/jobs/{job['id']}/executions/{job['num_exes']}/").json()
    lines = sources(log(http, exe["id"]))
    assert lines[-1]["stream"] == "stderr" and "Error" in lines[-1]["message"]


def test_text_and_html_formats(http):
    text = log(http, 1, format="txt")
    assert text.headers["content-type"] == "text/plain; charset=utf-8"
    assert text.text.split("\n") == [s["message"] for s in sources(log(http, 1))]
    page = log(http, 1, format="html")
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith("<html><head><style>.stdout {} .stderr {color: red;}")
    assert page.text.count('<div class="') == seeded_line_count(1)


def test_accept_header_negotiation(http):
    r = http.get("/v6/job-executions/1/logs/combined/", headers={"Accept": "text/plain"})
    assert r.headers["content-type"].startswith("text/plain")
    r = http.get("/v6/job-executions/1/logs/combined/", headers={"Accept": "image/png"})
    assert r.status_code == 406
    assert r.json() == {"detail": "Could not satisfy the request Accept header."}


def test_log_errors(http):
    r = log(http, 999_999)
    assert r.status_code == 404 and r.json() == {"detail": "Not found."}
    r = log(http, 1, started="2026-01-01T00:00:00")
    assert r.status_code == 400
    assert r.json() == {"detail": "Invalid ISO timestamp format for parameter: started"}
    assert log(http, 1, format="pdf").status_code == 404


def test_execution_not_started_yet_is_204(fresh):
    with fresh.stub.state.db.write() as conn:
        conn.execute("UPDATE executions SET started = NULL WHERE id = 1")
    r = log(fresh, 1)
    assert r.status_code == 204 and r.content == b""
