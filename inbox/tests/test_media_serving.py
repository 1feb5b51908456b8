"""Stored media is served to staff only, through our URL, with the right type, nosniff, a
sandboxing policy, inline for pictures and sound and as an attachment otherwise."""

import pytest
from django.urls import reverse

from inbox.tests.media_data import jpeg_bytes, make_downloaded_message, make_media_message

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes((64, 64))


def body(response) -> bytes:
    return b"".join(response.streaming_content)


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    message = make_downloaded_message(data=PHOTO)
    url = reverse("inbox:media", args=[message.pk])

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_logged_in_users_who_are_not_staff_are_refused(client, django_user_model):
    message = make_downloaded_message(data=PHOTO)
    client.force_login(django_user_model.objects.create_user(username="customer", password="x"))

    for name in ("inbox:media", "inbox:media-thumbnail"):
        assert client.get(reverse(name, args=[message.pk])).status_code == 403
    assert client.post(reverse("inbox:media-retry", args=[message.pk])).status_code == 403


def test_serves_an_image_inline_with_its_type_and_protective_headers(staff_client):
    message = make_downloaded_message(data=PHOTO, filename="holiday photo.jpg")

    response = staff_client.get(reverse("inbox:media", args=[message.pk]))

    assert response.status_code == 200
    assert body(response) == PHOTO
    assert response["Content-Type"] == "image/jpeg"
    assert response["Content-Length"] == str(len(PHOTO))
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"] == 'inline; filename="holiday photo.jpg"'
    assert response["Accept-Ranges"] == "bytes"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert response["Cache-Control"].startswith("private")


@pytest.mark.parametrize(
    ("message_type", "mime_type"),
    [("video", "video/mp4"), ("audio", "audio/ogg; codecs=opus")],
)
def test_serves_video_and_audio_inline(staff_client, message_type, mime_type):
    message = make_downloaded_message(data=b"\x00" * 100, message_type=message_type, mime_type=mime_type, filename="f")

    response = staff_client.get(reverse("inbox:media", args=[message.pk]))

    assert response["Content-Type"] == mime_type
    assert response["Content-Disposition"].startswith("inline;")


def test_serves_a_document_as_an_attachment_with_a_safe_name(staff_client):
    message = make_downloaded_message(
        data=b"%PDF-1.7", message_type="document", mime_type="application/pdf", filename='Rechnung "März".pdf'
    )

    response = staff_client.get(reverse("inbox:media", args=[message.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Rechnung%20%22M%C3%A4rz%22.pdf"


@pytest.mark.parametrize("mime_type", ["image/svg+xml", "text/html"])
def test_a_file_that_could_carry_script_is_never_inline(staff_client, mime_type):
    message = make_downloaded_message(data=b"<svg onload=alert(1)>", mime_type=mime_type, filename="cat.svg")

    response = staff_client.get(reverse("inbox:media", args=[message.pk]))

    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]


def test_a_malformed_mime_type_is_served_as_octet_stream(staff_client):
    message = make_downloaded_message(data=b"x", mime_type="image/jpeg\x0b<script>", filename="x.jpg")

    response = staff_client.get(reverse("inbox:media", args=[message.pk]))

    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment;")


def test_serves_the_thumbnail(staff_client):
    message = make_downloaded_message(data=PHOTO, thumbnail=b"RIFF....WEBP")

    response = staff_client.get(reverse("inbox:media-thumbnail", args=[message.pk]))

    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert body(response) == b"RIFF....WEBP"


def test_media_that_is_not_downloaded_is_not_found(staff_client):
    pending = make_media_message(data=PHOTO)
    without_thumbnail = make_downloaded_message(data=PHOTO)

    assert staff_client.get(reverse("inbox:media", args=[pending.pk])).status_code == 404
    assert staff_client.get(reverse("inbox:media-thumbnail", args=[without_thumbnail.pk])).status_code == 404
    assert staff_client.get(reverse("inbox:media", args=[987654])).status_code == 404


def test_a_stored_file_that_went_missing_is_not_found(staff_client):
    message = make_downloaded_message(data=PHOTO)
    message.media_file.storage.delete(message.media_file.name)

    assert staff_client.get(reverse("inbox:media", args=[message.pk])).status_code == 404


def test_serving_never_contacts_meta(staff_client, settings):
    message = make_downloaded_message(data=PHOTO)
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9"

    response = staff_client.get(reverse("inbox:media", args=[message.pk]))

    assert response.status_code == 200
    assert body(response) == PHOTO


def test_a_current_copy_in_the_browser_gets_304(staff_client):
    message = make_downloaded_message(data=PHOTO)
    url = reverse("inbox:media", args=[message.pk])
    etag = staff_client.get(url)["ETag"]

    response = staff_client.get(url, headers={"If-None-Match": etag})

    assert response.status_code == 304


def test_head_answers_the_headers_without_the_body(staff_client):
    message = make_downloaded_message(data=PHOTO)

    response = staff_client.head(reverse("inbox:media", args=[message.pk]))

    assert response.status_code == 200
    assert response["Content-Length"] == str(len(PHOTO))
    assert response.content == b""
