"""Every agent's bubble follows the download: one frame after the commit that finished it (the
picture), or failed it (the reason and Retry), or put it back in the queue."""

import pytest
from django.urls import reverse

from inbox import media
from inbox.models import Message
from inbox.tests.group_listener import received
from inbox.tests.media_data import MEDIA_ID, jpeg_bytes, make_media_message, webhook_sha256

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes((64, 64))




def test_a_finished_download_pushes_the_picture_after_commit(fake_graph, listener, django_capture_on_commit_callbacks):
    layer, channel = listener
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO)

    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        media.download(message.pk)
    assert received(layer, channel) == []
    for callback in callbacks:
        callback()

    [event] = received(layer, channel)
    html = event["html"]
    assert f'id="msg-{message.pk}"' in html
    assert 'data-media-state="downloaded"' in html
    assert f'src="{reverse("inbox:media-thumbnail", args=[message.pk])}"' in html


def test_a_final_failure_pushes_the_reason_and_the_retry_button(
    fake_graph, listener, django_capture_on_commit_callbacks
):
    layer, channel = listener
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO, media_sha256=webhook_sha256(b"another file"))

    with django_capture_on_commit_callbacks(execute=True):
        media.download(message.pk)

    [event] = received(layer, channel)
    assert 'data-media-state="failed"' in event["html"]
    assert "does not match the checksum" in event["html"]
    assert reverse("inbox:media-retry", args=[message.pk]) in event["html"]


def test_retry_pushes_the_bubble_back_to_downloading(listener, django_capture_on_commit_callbacks):
    layer, channel = listener
    message = make_media_message(data=PHOTO, media_state=Message.MEDIA_FAILED, media_error="Gave up.")

    with django_capture_on_commit_callbacks(execute=True):
        media.retry(Message.objects.filter(pk=message.pk))

    [event] = received(layer, channel)
    assert f'id="msg-{message.pk}"' in event["html"]
    assert "Downloading image…" in event["html"]
