"""The one way from a profile to a client (core/connect.py, used by the console and the scripts)
verifies TLS exactly as the profile says: verify_tls = false is never overridden by a
ca_bundle, a bundle is used when verifying, and a missing or unreadable bundle is an error, never
the system CAs (issue 12)."""

from __future__ import annotations

import ssl

import certifi
import pytest

from scale_tui.core import connect as app_module
from scale_tui.core.config import Profile
from scale_tui.core.connect import ConfigError


@pytest.fixture
def sent_verify(monkeypatch):
    """The `verify` make_client hands to ScaleClient."""
    seen: list = []

    class Recording:
        def __init__(self, url, *, token=None, verify=True, **kwargs):
            seen.append(verify)

    monkeypatch.setattr(app_module, "ScaleClient", Recording)
    return seen


def test_verify_tls_false_wins_over_a_ca_bundle(sent_verify):
    app_module.make_client(Profile(url="https://lab:8000", verify_tls=False,
                                   ca_bundle=certifi.where()))
    assert sent_verify == [False]


def test_ca_bundle_is_used_when_verifying(sent_verify):
    app_module.make_client(Profile(url="https://scale:8000", ca_bundle=certifi.where()))
    [verify] = sent_verify
    assert isinstance(verify, ssl.SSLContext)
    assert verify.verify_mode == ssl.CERT_REQUIRED and verify.check_hostname
    assert verify.get_ca_certs()  # the bundle's CAs are loaded


def test_no_bundle_verifies_with_the_system_cas(sent_verify):
    app_module.make_client(Profile(url="https://scale:8000"))
    assert sent_verify == [True]


def test_missing_or_unreadable_bundle_is_an_error_never_the_system_cas(sent_verify, tmp_path):
    junk = tmp_path / "not-a-pem.crt"
    junk.write_text("not a certificate")
    with pytest.raises(ConfigError, match="ca_bundle: CA bundle not found"):
        app_module.make_client(Profile(url="https://scale:8000",
                                       ca_bundle=tmp_path / "missing.pem"))
    with pytest.raises(ConfigError, match="cannot be read"):
        app_module.make_client(Profile(url="https://scale:8000", ca_bundle=junk))
    assert sent_verify == []
