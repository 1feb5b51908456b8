"""The Retry button: a staff POST queues a failed download again and answers htmx with the
re-rendered bubble."""

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from inbox.models import Message
from inbox.tests.media_data import jpeg_bytes, make_media_message

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes((64, 64))


def failed_message() -> Message:
    return make_media_message(data=PHOTO, media_state=Message.MEDIA_FAILED, media_error="Gave up.", media_attempts=6)


def test_retry_answers_htmx_with_the_pending_bubble(staff_client, django_capture_on_commit_callbacks):
    message = failed_message()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(reverse("inbox:media-retry", args=[message.pk]), headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="media-{message.pk}"' in html
    assert 'data-media-state="pending"' in html
    assert "Downloading" in html
    message.refresh_from_db()
    assert (message.media_state, message.media_attempts) == (Message.MEDIA_PENDING, 0)
    assert DBTaskResult.objects.filter(task_path="inbox.tasks.download_media").count() == 1


def test_retry_without_htmx_goes_back_to_the_page(staff_client):
    message = failed_message()

    response = staff_client.post(
        reverse("inbox:media-retry", args=[message.pk]), headers={"Referer": "http://testserver/conversations/3/"}
    )

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/conversations/3/"


def test_retry_never_redirects_to_another_site(staff_client):
    message = failed_message()

    response = staff_client.post(
        reverse("inbox:media-retry", args=[message.pk]), headers={"Referer": "https://evil.example/"}
    )

    assert response["Location"] == "/"


def test_retry_is_post_only(staff_client):
    message = failed_message()

    assert staff_client.get(reverse("inbox:media-retry", args=[message.pk])).status_code == 405
    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_FAILED


def test_anonymous_retry_goes_to_the_login_page(client):
    message = failed_message()

    response = client.post(reverse("inbox:media-retry", args=[message.pk]))

    assert response.status_code == 302
    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_FAILED
