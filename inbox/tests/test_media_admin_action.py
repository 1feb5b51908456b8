"""The admin's bulk "Retry media downloads" action on messages."""

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.auth.models import Permission
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from inbox.models import Message
from inbox.tests.media_data import jpeg_bytes, make_downloaded_message, make_media_message

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes((64, 64))


def test_retries_the_selected_failed_downloads(admin_client, django_capture_on_commit_callbacks):
    failed = [
        make_media_message(data=PHOTO, media_state=Message.MEDIA_FAILED, media_error="Gave up.") for _ in range(2)
    ]
    downloaded = make_downloaded_message(data=PHOTO)

    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:inbox_message_changelist"),
            {"action": "retry_media_downloads", ACTION_CHECKBOX_NAME: [m.pk for m in [*failed, downloaded]]},
            follow=True,
        )

    assert response.status_code == 200
    assert "Queued 2 media download(s) again." in response.content.decode()
    states = dict(Message.objects.values_list("pk", "media_state"))
    assert [states[m.pk] for m in failed] == [Message.MEDIA_PENDING] * 2
    assert states[downloaded.pk] == Message.MEDIA_DOWNLOADED
    assert DBTaskResult.objects.filter(task_path="inbox.tasks.download_media").count() == 2


def test_staff_without_the_change_permission_do_not_get_the_action(client, django_user_model):
    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_message"))
    client.force_login(viewer)

    response = client.get(reverse("admin:inbox_message_changelist"))

    assert response.status_code == 200
    assert "retry_media_downloads" not in response.content.decode()
