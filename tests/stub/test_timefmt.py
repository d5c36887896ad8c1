"""DRF's datetime text, produced by the stub's fast formatter."""

from __future__ import annotations

import json
import random
import time

from server_stub.store.timefmt import drf, drf_json, es


def reference(us: int) -> str:
    seconds, micros = divmod(us, 1_000_000)
    text = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(seconds))
    return f"{text}.{micros:06d}Z" if micros else text + "Z"


def test_drf_format_matches_strftime_with_micros_only_when_non_zero():
    rng = random.Random(42)
    for _ in range(20_000):
        us = rng.randrange(0, 4_000_000_000_000_000)
        assert drf(us) == reference(us)
        assert drf_json(us) == json.dumps(reference(us))
    assert drf(1_767_225_600_000_000) == "2026-01-01T00:00:00Z"
    assert drf(1_767_225_600_000_001) == "2026-01-01T00:00:00.000001Z"
    assert drf(None) is None and drf_json(None) == "null"


def test_elasticsearch_timestamps_have_milliseconds():
    assert es(1_767_225_600_123_999) == "2026-01-01T00:00:00.123Z"
    assert es(1_767_225_600_000_000) == "2026-01-01T00:00:00.000Z"
