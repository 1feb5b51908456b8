"""What a download does when Meta or the file lets it down: refetch an expired URL, retry what
may pass, fail at once (with a reason an agent can act on) what never will."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import media, whatsapp
from inbox.fake_graph.graph import ATTACHMENT_PATH
from inbox.models import Message
from inbox.tests.media_data import MEDIA_ID, jpeg_bytes, make_media_message, stored_files, webhook_sha256

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes((64, 64))


def download(message: Message) -> Message:
    media.download(message.pk)
    message.refresh_from_db()
    return message


def assert_retry_scheduled(message: Message) -> None:
    assert message.media_state == Message.MEDIA_PENDING
    assert message.media_retry_at is not None
    assert message.media_retry_at > timezone.now()


def test_an_expired_download_url_is_fetched_afresh_in_the_same_try(fake_graph):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    fake_graph.fail_next("error", path=ATTACHMENT_PATH, http_status=404, code=100, message="URL expired")

    message = download(make_media_message(data=PHOTO))

    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_attempts == 1


def test_a_url_that_keeps_expiring_is_retried_later(fake_graph):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    fake_graph.fail_next("error", count=2, path=ATTACHMENT_PATH, http_status=404, code=100)

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)
    assert "expired" in message.media_error


def test_an_unknown_media_id_of_a_recent_message_is_retried(fake_graph):
    message = download(make_media_message(data=PHOTO, timestamp=timezone.now() - timedelta(hours=1)))

    assert_retry_scheduled(message)
    assert "does not know this media id" in message.media_error


def test_a_media_id_older_than_seven_days_fails_for_good(fake_graph):
    message = download(make_media_message(data=PHOTO, timestamp=timezone.now() - timedelta(days=8)))

    assert message.media_state == Message.MEDIA_FAILED
    assert "seven days" in message.media_error


def test_a_rejected_token_is_reported_as_a_token_problem_and_retried(fake_graph):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    fake_graph.fail_next("token_expired")

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)
    assert "access token" in message.media_error
    assert "WHATSAPP_ACCESS_TOKEN" in message.media_error
    assert "file itself is probably fine" in message.media_error


def test_a_401_on_the_download_itself_is_a_token_problem(fake_graph, settings):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    fake_graph.fail_next("token_expired", path=ATTACHMENT_PATH)

    message = download(make_media_message(data=PHOTO))

    assert "access token" in message.media_error
    assert whatsapp.token_problem() is not None


def test_a_missing_token_says_so_and_is_retried(settings):
    settings.WHATSAPP_ACCESS_TOKEN = ""
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9"

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)
    assert message.media_error == media.TOKEN_MISSING_REASON


def test_a_timeout_is_retried(fake_graph, monkeypatch):
    monkeypatch.setattr(whatsapp, "DOWNLOAD_TIMEOUT", (2, 0.3))
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    fake_graph.fail_next("timeout", path=ATTACHMENT_PATH, seconds=5)

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)
    assert "could not be reached" in message.media_error


def test_a_server_error_at_meta_is_retried(fake_graph):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    fake_graph.fail_next("server_error")

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)


def test_an_unreachable_graph_api_is_retried(settings):
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9"

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)


def test_a_file_declared_over_the_limit_fails_without_downloading(fake_graph, settings):
    too_big = b"\x00" * (5 * 1024 * 1024 + 1)
    fake_graph.add_media(MEDIA_ID, too_big, "image/jpeg")
    fake_graph.fail_next("server_error", path=ATTACHMENT_PATH)  # would show if the bytes were fetched

    message = download(make_media_message(data=too_big))

    assert message.media_state == Message.MEDIA_FAILED
    assert message.media_error == (
        "The file is 5 MB (5,242,881 bytes), over WhatsApp's 5 MB limit for an image, so it was not kept."
    )
    assert message.media_attempts == 1
    assert not message.media_file
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_file_larger_than_declared_and_over_the_limit_fails_while_streaming(fake_graph, settings):
    too_big = b"\x00" * (500 * 1024 + 1)
    fake_graph.add_media(MEDIA_ID, too_big, "image/webp")
    fake_graph.state.media[MEDIA_ID].reported_size = 1000

    message = download(make_media_message(data=too_big, message_type="sticker", mime_type="image/webp"))

    assert message.media_state == Message.MEDIA_FAILED
    assert "over WhatsApp's 500 KB limit for a sticker" in message.media_error
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_file_shorter_than_declared_is_retried(fake_graph, settings):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    fake_graph.state.media[MEDIA_ID].reported_size = len(PHOTO) + 10

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)
    assert "cut short" in message.media_error
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_checksum_mismatch_fails_for_good_and_keeps_nothing(fake_graph, settings):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")

    message = download(make_media_message(data=PHOTO, media_sha256=webhook_sha256(b"something else")))

    assert message.media_state == Message.MEDIA_FAILED
    assert "does not match the checksum" in message.media_error
    assert message.media_attempts == 1
    assert stored_files(settings.MEDIA_ROOT) == []


def test_a_message_without_a_media_id_fails_for_good(fake_graph):
    message = download(make_media_message(data=PHOTO, media_id=""))

    assert message.media_state == Message.MEDIA_FAILED
    assert "no media id" in message.media_error


def test_a_storage_failure_is_retried(fake_graph, settings, tmp_path):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("")
    settings.MEDIA_ROOT = blocker

    message = download(make_media_message(data=PHOTO))

    assert_retry_scheduled(message)
    assert "could not be stored" in message.media_error
