"""X-Hub-Signature-256 is an HMAC-SHA256 of the raw body bytes with the app secret."""

import hashlib
import hmac
import json

from conftest import TEST_APP_SECRET
from webhook import signature
from webhook.tests.deliveries import load


def meta_header(body: bytes, secret: str = TEST_APP_SECRET) -> str:
    """What Meta sends, computed independently of the code under test."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_accepts_the_digest_meta_sends():
    body = load("text__basic")
    assert signature.is_valid(body, meta_header(body), TEST_APP_SECRET)


def test_sign_produces_the_header_meta_sends():
    body = load("image__caption")
    assert signature.sign(body, TEST_APP_SECRET) == meta_header(body)


def test_accepts_an_uppercase_hex_digest():
    body = load("text__basic")
    assert signature.is_valid(body, "sha256=" + meta_header(body).removeprefix("sha256=").upper(), TEST_APP_SECRET)


def test_rejects_a_digest_made_with_another_secret():
    body = load("text__basic")
    assert not signature.is_valid(body, meta_header(body, "another-app-secret"), TEST_APP_SECRET)


def test_rejects_a_digest_of_other_bytes():
    body = load("text__basic")
    assert not signature.is_valid(body + b" ", meta_header(body), TEST_APP_SECRET)


def test_rejects_a_missing_header():
    body = load("text__basic")
    assert not signature.is_valid(body, None, TEST_APP_SECRET)
    assert not signature.is_valid(body, "", TEST_APP_SECRET)


def test_rejects_a_digest_without_the_sha256_prefix():
    body = load("text__basic")
    digest = meta_header(body).removeprefix("sha256=")
    assert not signature.is_valid(body, digest, TEST_APP_SECRET)


def test_rejects_the_legacy_sha1_header_format():
    body = load("text__basic")
    sha1 = "sha1=" + hmac.new(TEST_APP_SECRET.encode(), body, hashlib.sha1).hexdigest()
    assert not signature.is_valid(body, sha1, TEST_APP_SECRET)


def test_fails_closed_when_no_secret_is_configured():
    body = load("text__basic")
    assert not signature.is_valid(body, meta_header(body, ""), "")
    assert not signature.is_valid(body, meta_header(body), "")


def test_signs_the_escaped_wire_bytes_of_a_non_ascii_body():
    body = load("text__emoji_and_accents")
    assert b"\\ud83d\\ude00" in body and b"\\u00e9" in body
    assert signature.is_valid(body, meta_header(body), TEST_APP_SECRET)


def test_re_serialised_json_of_a_non_ascii_body_does_not_verify():
    body = load("text__emoji_and_accents")
    header = meta_header(body)
    for reencoded in (
        json.dumps(json.loads(body)).encode(),
        json.dumps(json.loads(body), ensure_ascii=False, separators=(",", ":")).encode(),
    ):
        assert not signature.is_valid(reencoded, header, TEST_APP_SECRET)


def test_re_serialised_json_with_unescaped_slashes_does_not_verify():
    body = load("image__caption")
    assert b"image\\/jpeg" in body
    reencoded = json.dumps(json.loads(body), separators=(",", ":")).encode()
    assert reencoded.isascii()
    assert not signature.is_valid(reencoded, meta_header(body), TEST_APP_SECRET)
