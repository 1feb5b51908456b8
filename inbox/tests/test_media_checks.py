"""Meta's promises about a file: per-type size limits, its declared size in either JSON type,
and its sha256 in hex or base64."""

import base64
import hashlib

import pytest

from inbox.media_checks import checksum_mismatch, declared_size, human_size, parse_sha256, size_limit

DATA = b"a customer's photo"
DIGEST = hashlib.sha256(DATA).digest()


@pytest.mark.parametrize(
    "text",
    [
        DIGEST.hex(),
        DIGEST.hex().upper(),
        base64.b64encode(DIGEST).decode(),
        base64.b64encode(DIGEST).decode().rstrip("="),
        base64.urlsafe_b64encode(DIGEST).decode(),
        f"  {base64.b64encode(DIGEST).decode()}\n",
    ],
)
def test_reads_a_sha256_written_in_hex_or_base64(text):
    assert parse_sha256(text) == DIGEST


@pytest.mark.parametrize("text", [None, "", "not a digest", base64.b64encode(b"short").decode(), "é" * 44])
def test_an_unreadable_sha256_is_none(text):
    assert parse_sha256(text) is None


def test_a_file_matching_both_of_metas_digests_passes():
    assert checksum_mismatch(DIGEST.hex(), base64.b64encode(DIGEST).decode(), DIGEST.hex()) is None


def test_reports_the_digest_that_differs():
    other = base64.b64encode(hashlib.sha256(b"other").digest()).decode()

    assert checksum_mismatch(DIGEST.hex(), DIGEST.hex(), other) == other


def test_missing_or_unreadable_digests_are_not_mismatches():
    assert checksum_mismatch(DIGEST.hex(), "", None, "garbage") is None


@pytest.mark.parametrize(
    ("message_type", "limit"),
    [("image", 5 * 2**20), ("video", 16 * 2**20), ("audio", 16 * 2**20), ("document", 100 * 2**20),
     ("sticker", 500 * 2**10), ("hologram", 100 * 2**20)],
)
def test_size_limits_follow_meta_per_type(message_type, limit):
    assert size_limit(message_type) == limit


@pytest.mark.parametrize(("value", "size"), [("1234", 1234), (1234, 1234), (" 7 ", 7), ("", None), (None, None),
                                              ("-1", None), (True, None), ("12.5", None)])
def test_reads_the_declared_size_as_string_or_number(value, size):
    assert declared_size(value) == size


@pytest.mark.parametrize(("size", "text"), [(10, "10 bytes"), (1536, "1.5 KB"), (500 * 1024, "500 KB"),
                                             (5 * 2**20, "5 MB"), (int(16.25 * 2**20), "16.2 MB")])
def test_sizes_read_like_people_write_them(size, text):
    assert human_size(size) == text
