"""Media through the Graph client: the two-step download, its limits, and uploads."""

import hashlib
import io

import pytest

from inbox import whatsapp

PNID = "106540352242922"
PHOTO = b"\xff\xd8\xff\xe0" + b"jpeg bytes" * 100


def test_get_media_then_download_returns_the_bytes_and_their_hex_sha256(fake_graph):
    fake_graph.add_media("1357913579", PHOTO, "image/jpeg")

    media = whatsapp.get_media("1357913579", phone_number_id=PNID)
    downloaded = whatsapp.download(media["url"], max_bytes=10_000)

    assert media["mime_type"] == "image/jpeg"
    assert media["file_size"] == len(PHOTO)
    assert media["sha256"] == hashlib.sha256(PHOTO).hexdigest() == downloaded.sha256_hex
    assert downloaded.content == PHOTO
    assert downloaded.content_type == "image/jpeg"
    assert downloaded.size == len(PHOTO)


def test_download_streams_into_a_file(fake_graph):
    fake_graph.add_media("1357913579", PHOTO, "image/jpeg")
    target = io.BytesIO()

    downloaded = whatsapp.download(whatsapp.get_media("1357913579")["url"], max_bytes=10_000, into=target)

    assert target.getvalue() == PHOTO
    assert downloaded.content == b""
    assert downloaded.size == len(PHOTO)


def test_download_refuses_more_than_max_bytes(fake_graph):
    fake_graph.add_media("1357913579", PHOTO, "image/jpeg")

    with pytest.raises(whatsapp.MediaTooLargeError):
        whatsapp.download(whatsapp.get_media("1357913579")["url"], max_bytes=100)


def test_an_expired_media_url_is_not_found(fake_graph):
    fake_graph.add_media("1357913579", PHOTO, "image/jpeg")
    url = whatsapp.get_media("1357913579")["url"]
    fake_graph.state.advance_clock(301)

    with pytest.raises(whatsapp.NotFoundError):
        whatsapp.download(url, max_bytes=10_000)
    fresh = whatsapp.get_media("1357913579")["url"]
    assert whatsapp.download(fresh, max_bytes=10_000).content == PHOTO


def test_the_media_url_requires_the_token(fake_graph, settings):
    fake_graph.add_media("1357913579", PHOTO, "image/jpeg")
    url = whatsapp.get_media("1357913579")["url"]
    settings.WHATSAPP_ACCESS_TOKEN = ""

    with pytest.raises(whatsapp.TokenError):
        whatsapp.download(url, max_bytes=10_000)


def test_unknown_media_id_is_not_found(fake_graph):
    with pytest.raises(whatsapp.NotFoundError) as caught:
        whatsapp.get_media("999")

    assert caught.value.code == 100
    assert caught.value.subcode == 33


def test_upload_returns_a_media_id_that_serves_the_same_bytes(fake_graph):
    media_id = whatsapp.upload_media(PNID, io.BytesIO(PHOTO), "image/jpeg", "photo.jpg")

    media = whatsapp.get_media(media_id)
    assert media["mime_type"] == "image/jpeg"
    assert whatsapp.download(media["url"], max_bytes=10_000).content == PHOTO
