"""A duplicate task, a replayed delivery or two workers at once never download a file twice or
keep two copies of it."""

import threading

import pytest
from django.db import connection
from django.utils import timezone

from inbox import media
from inbox.models import Message
from inbox.tests.media_data import MEDIA_ID, jpeg_bytes, make_media_message, stored_files

PHOTO = jpeg_bytes((64, 64))


@pytest.mark.django_db
def test_a_second_download_of_the_same_message_changes_nothing(fake_graph, settings):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO)
    media.download(message.pk)
    message.refresh_from_db()
    first_file = message.media_file.name
    fake_graph.fail_next("server_error", count=-1)  # a second fetch would now fail loudly

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_file.name == first_file
    assert message.media_attempts == 1
    assert len(stored_files(settings.MEDIA_ROOT)) == 2  # the file and its thumbnail


@pytest.mark.django_db
def test_a_failed_download_is_not_tried_again_by_a_stray_task(fake_graph):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO, media_state=Message.MEDIA_FAILED, media_error="checksum")

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_FAILED
    assert message.media_attempts == 0


@pytest.mark.django_db
def test_a_worker_whose_claim_was_taken_over_discards_its_copy(fake_graph, settings):
    message = make_media_message(data=PHOTO)
    stale_lease = timezone.now()
    with open(settings.MEDIA_ROOT.parent / "photo.jpg", "wb+") as spool:
        spool.write(PHOTO)
        stored = media._store(message, spool, size=len(PHOTO), mime_type="image/jpeg")
    assert len(stored_files(settings.MEDIA_ROOT)) == 2

    media._record_success(message, lease=stale_lease, stored=stored)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_PENDING
    assert stored_files(settings.MEDIA_ROOT) == []


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_store_one_file(fake_graph, settings):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO)
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            media.download(message.pk)
        except BaseException as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
    assert message.media_attempts == 1
    assert len(stored_files(settings.MEDIA_ROOT)) == 2
