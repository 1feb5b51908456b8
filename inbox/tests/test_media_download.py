"""A media message's file is fetched from the (fake) Graph API and kept: stored through Django's
storage with its size, type, name and, for pictures, a thumbnail."""

import hashlib
from io import BytesIO

import pytest
from PIL import Image

from inbox import media
from inbox.fake_graph.graph import ATTACHMENT_PATH
from inbox.models import Message
from inbox.tests.media_data import (
    MEDIA_ID,
    jpeg_bytes,
    make_media_message,
    stored_files,
    webp_sticker_bytes,
)

pytestmark = pytest.mark.django_db


def test_downloads_an_image_with_its_size_type_and_thumbnail(fake_graph, settings):
    photo = jpeg_bytes((1600, 1200))
    fake_graph.add_media(MEDIA_ID, photo, "image/jpeg")
    message = make_media_message(data=photo)

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_error == ""
    assert message.media_size == len(photo)
    assert message.media_mime_type == "image/jpeg"
    assert message.media_attempts == 1
    assert message.media_retry_at is None
    with message.media_file.open("rb") as stored:
        assert stored.read() == photo
    assert message.media_file.name.startswith("whatsapp/")
    assert message.media_file.name.endswith(".jpg")
    with Image.open(message.media_thumbnail.open("rb")) as thumbnail:
        assert thumbnail.format == "WEBP"
        assert max(thumbnail.size) == 480
    assert len(stored_files(settings.MEDIA_ROOT)) == 2


def test_an_image_gets_a_readable_name_when_it_has_none(fake_graph):
    photo = jpeg_bytes()
    fake_graph.add_media(MEDIA_ID, photo, "image/jpeg")
    message = make_media_message(data=photo)

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_filename == f"whatsapp-image-{message.timestamp:%Y-%m-%d-%H%M%S}.jpg"


def test_a_document_keeps_the_customers_file_name_cleaned(fake_graph):
    pdf = b"%PDF-1.7\n" + b"invoice " * 500
    fake_graph.add_media(MEDIA_ID, pdf, "application/pdf", "invoice.pdf")
    message = make_media_message(
        data=pdf, message_type="document", mime_type="application/pdf", media_filename="../../Invoice\u202e\t March.pdf"
    )

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_filename == "Invoice March.pdf"
    assert message.media_file.name.endswith(".pdf")
    assert "Invoice" not in message.media_file.name
    assert not message.media_thumbnail


def test_a_voice_note_is_stored_without_a_thumbnail(fake_graph):
    voice = b"OggS" + b"\x00opus" * 2000
    fake_graph.add_media(MEDIA_ID, voice, "audio/ogg; codecs=opus")
    message = make_media_message(
        data=voice,
        message_type="audio",
        mime_type="audio/ogg; codecs=opus",
        payload={"type": "audio", "audio": {"id": MEDIA_ID, "voice": True}},
    )

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_mime_type == "audio/ogg; codecs=opus"
    assert message.media_file.name.endswith(".ogg")
    assert message.media_filename == f"whatsapp-voice-{message.timestamp:%Y-%m-%d-%H%M%S}.ogg"
    assert not message.media_thumbnail


def test_a_sticker_gets_a_thumbnail_that_keeps_its_transparency(fake_graph):
    sticker = webp_sticker_bytes()
    fake_graph.add_media(MEDIA_ID, sticker, "image/webp")
    message = make_media_message(data=sticker, message_type="sticker", mime_type="image/webp")

    media.download(message.pk)

    message.refresh_from_db()
    with Image.open(message.media_thumbnail.open("rb")) as thumbnail:
        assert thumbnail.mode == "RGBA"
        assert thumbnail.getpixel((10, 10))[3] == 0


def test_a_damaged_picture_is_still_kept_without_a_thumbnail(fake_graph):
    broken = b"\xff\xd8\xff\xe0 not really a jpeg"
    fake_graph.add_media(MEDIA_ID, broken, "image/jpeg")
    message = make_media_message(data=broken)

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_size == len(broken)
    assert not message.media_thumbnail


def test_accepts_the_checksum_in_hex_as_well_as_base64(fake_graph):
    photo = jpeg_bytes()
    fake_graph.add_media(MEDIA_ID, photo, "image/jpeg")
    message = make_media_message(data=photo, media_sha256=hashlib.sha256(photo).hexdigest())

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED


def test_the_mime_type_comes_from_meta_when_the_webhook_gave_none(fake_graph):
    photo = jpeg_bytes()
    fake_graph.add_media(MEDIA_ID, photo, "image/png")
    message = make_media_message(data=photo, mime_type="")

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_mime_type == "image/png"
    assert message.media_file.name.endswith(".png")


def test_the_thumbnail_is_upright_for_a_rotated_phone_photo(fake_graph):
    buffer = BytesIO()
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    Image.new("RGB", (800, 400), "white").save(buffer, "JPEG", exif=exif.tobytes())
    photo = buffer.getvalue()
    fake_graph.add_media(MEDIA_ID, photo, "image/jpeg")
    message = make_media_message(data=photo)

    media.download(message.pk)

    message.refresh_from_db()
    with Image.open(message.media_thumbnail.open("rb")) as thumbnail:
        assert thumbnail.size == (240, 480)


def test_a_slow_answer_from_meta_is_waited_for(fake_graph):
    photo = jpeg_bytes()
    fake_graph.add_media(MEDIA_ID, photo, "image/jpeg")
    fake_graph.fail_next("slow", path=ATTACHMENT_PATH, seconds=0.5)
    message = make_media_message(data=photo)

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
