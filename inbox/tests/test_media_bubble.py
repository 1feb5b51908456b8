"""The media bubble (templates/inbox/_media.html) in each state: downloading, the picture or
player or document, and a failure with its reason and a Retry button."""

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from inbox.models import Message
from inbox.tests.media_data import jpeg_bytes, make_downloaded_message, make_media_message

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes((64, 64))


def bubble(message: Message) -> str:
    return render_to_string("inbox/_media.html", {"message": message})


def test_a_pending_download_says_it_is_downloading():
    html = bubble(make_media_message(data=PHOTO))

    assert 'data-media-state="pending"' in html
    assert "Downloading image…" in html
    assert "<img" not in html


def test_a_pending_download_that_failed_once_says_it_will_retry():
    html = bubble(make_media_message(data=PHOTO, media_error="WhatsApp could not be reached (HTTP 503)."))

    assert "Last try failed: WhatsApp could not be reached (HTTP 503). Retrying automatically." in html


def test_a_downloaded_image_shows_its_thumbnail_linking_to_the_full_picture():
    message = make_downloaded_message(data=PHOTO, thumbnail=b"webp", text_body="Our new shop")

    html = bubble(message)

    assert 'data-media-state="downloaded"' in html
    assert f'src="{reverse("inbox:media-thumbnail", args=[message.pk])}"' in html
    assert f'href="{reverse("inbox:media", args=[message.pk])}"' in html
    assert 'alt="Our new shop"' in html


def test_an_image_without_a_thumbnail_shows_the_full_picture():
    message = make_downloaded_message(data=PHOTO)

    assert f'src="{reverse("inbox:media", args=[message.pk])}"' in bubble(message)


def test_video_and_audio_get_players_that_load_only_metadata():
    video = make_downloaded_message(data=b"v", message_type="video", mime_type="video/mp4", filename="clip.mp4")
    audio = make_downloaded_message(data=b"a", message_type="audio", mime_type="audio/mpeg", filename="song.mp3")

    assert '<video class="media__player" controls preload="metadata"' in bubble(video)
    assert '<audio class="media__player" controls preload="metadata"' in bubble(audio)
    assert "Voice message" not in bubble(audio)


def test_a_voice_note_looks_like_a_voice_note():
    voice = make_downloaded_message(
        data=b"a",
        message_type="audio",
        mime_type="audio/ogg; codecs=opus",
        filename="voice.ogg",
        payload={"type": "audio", "audio": {"id": "1", "voice": True}},
    )

    html = bubble(voice)

    assert "media--voice" in html
    assert "Voice message" in html
    assert "<audio" in html


def test_a_document_shows_its_name_size_and_download_link():
    document = make_downloaded_message(
        data=b"x" * 2048, message_type="document", mime_type="application/pdf", filename="<b>Invoice</b>.pdf"
    )

    html = bubble(document)

    assert "&lt;b&gt;Invoice&lt;/b&gt;.pdf" in html
    assert "2.0\xa0KB" in html
    assert f'href="{reverse("inbox:media", args=[document.pk])}"' in html


def test_a_failed_download_shows_the_reason_and_a_retry_button():
    message = make_media_message(
        data=PHOTO, media_state=Message.MEDIA_FAILED, media_error="Meta rejected the WhatsApp access token."
    )

    html = bubble(message)

    assert 'data-media-state="failed"' in html
    assert "Couldn't download this image: Meta rejected the WhatsApp access token." in html
    assert f'hx-post="{reverse("inbox:media-retry", args=[message.pk])}"' in html
    assert f'hx-target="#media-{message.pk}"' in html
