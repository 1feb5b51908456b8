"""Failed tries are scheduled again with growing waits, a bounded number of times; then the
message stays failed until someone retries it, and lost downloads are found and requeued."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inbox import media
from inbox.models import Message
from inbox.tasks import download_media
from inbox.tests.media_data import MEDIA_ID, jpeg_bytes, make_media_message

pytestmark = pytest.mark.django_db

PHOTO = jpeg_bytes((64, 64))
TASK_PATH = "inbox.tasks.download_media"


def queued_tasks(message: Message) -> list[DBTaskResult]:
    tasks = DBTaskResult.objects.filter(task_path=TASK_PATH)
    return [task for task in tasks if task.args_kwargs["args"] == [message.pk]]


def make_due(message: Message) -> None:
    """Let the scheduled time of the next try pass."""
    Message.objects.filter(pk=message.pk).update(media_retry_at=timezone.now() - timedelta(seconds=1))


def test_a_failed_try_schedules_the_next_one_after_thirty_seconds(fake_graph, django_capture_on_commit_callbacks):
    fake_graph.fail_next("server_error")
    message = make_media_message(data=PHOTO)
    before = timezone.now()

    with django_capture_on_commit_callbacks(execute=True):
        media.download(message.pk)

    message.refresh_from_db()
    [task] = queued_tasks(message)
    assert task.run_after == message.media_retry_at
    assert before + timedelta(seconds=30) <= task.run_after <= timezone.now() + timedelta(seconds=30)


def test_waits_grow_and_the_last_try_leaves_the_message_failed(settings, django_capture_on_commit_callbacks):
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9"
    message = make_media_message(data=PHOTO)
    waits = []

    for _ in range(media.MAX_ATTEMPTS):
        make_due(message)
        started = timezone.now()
        with django_capture_on_commit_callbacks(execute=True):
            media.download(message.pk)
        message.refresh_from_db()
        if message.media_retry_at:
            waits.append(round((message.media_retry_at - started).total_seconds() / 10) * 10)

    assert waits == [30, 120, 600, 3600, 6 * 3600]
    assert message.media_state == Message.MEDIA_FAILED
    assert message.media_attempts == media.MAX_ATTEMPTS == 6
    assert message.media_error.endswith("Gave up after 6 tries.")
    assert "could not be reached" in message.media_error
    assert len(queued_tasks(message)) == 5


def test_a_permanent_failure_schedules_nothing(fake_graph, django_capture_on_commit_callbacks):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO, media_sha256="A" * 43 + "=")

    with django_capture_on_commit_callbacks(execute=True):
        media.download(message.pk)

    assert queued_tasks(message) == []


def test_a_try_that_is_not_due_yet_does_nothing(fake_graph):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO, media_retry_at=timezone.now() + timedelta(minutes=2), media_attempts=1)

    media.download(message.pk)

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_PENDING
    assert message.media_attempts == 1


def test_retry_puts_a_failed_download_back_in_the_queue(fake_graph, django_capture_on_commit_callbacks):
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(
        data=PHOTO, media_state=Message.MEDIA_FAILED, media_error="Gave up after 6 tries.", media_attempts=6
    )

    with django_capture_on_commit_callbacks(execute=True):
        queued = media.retry(Message.objects.filter(pk=message.pk))

    message.refresh_from_db()
    assert queued == 1
    assert (message.media_state, message.media_error, message.media_attempts) == (Message.MEDIA_PENDING, "", 0)
    [task] = queued_tasks(message)
    media.download(*task.args_kwargs["args"])
    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED


def test_retry_leaves_downloaded_and_busy_messages_alone(django_capture_on_commit_callbacks):
    downloaded = make_media_message(data=PHOTO, media_state=Message.MEDIA_DOWNLOADED, media_file="whatsapp/x.jpg")
    busy = make_media_message(data=PHOTO, media_retry_at=timezone.now() + media.LEASE)
    text = make_media_message(data=PHOTO, media_id=None, media_state="", message_type="text")

    with django_capture_on_commit_callbacks(execute=True):
        queued = media.retry(Message.objects.filter(pk__in=[downloaded.pk, busy.pk, text.pk]))

    assert queued == 0
    assert DBTaskResult.objects.count() == 0
    downloaded.refresh_from_db()
    assert downloaded.media_state == Message.MEDIA_DOWNLOADED


def test_lost_downloads_are_requeued_once(django_capture_on_commit_callbacks):
    long_ago = timezone.now() - media.STALE_AFTER - timedelta(minutes=1)
    never_started = make_media_message(data=PHOTO)
    Message.objects.filter(pk=never_started.pk).update(created_at=long_ago)
    worker_died = make_media_message(data=PHOTO, media_retry_at=long_ago, media_attempts=1)
    just_arrived = make_media_message(data=PHOTO)
    being_downloaded = make_media_message(data=PHOTO, media_retry_at=timezone.now() + media.LEASE)

    with django_capture_on_commit_callbacks(execute=True):
        first = media.requeue_stale()
    with django_capture_on_commit_callbacks(execute=True):
        second = media.requeue_stale()

    assert (first, second) == (2, 0)
    assert len(queued_tasks(never_started)) == len(queued_tasks(worker_died)) == 1
    assert queued_tasks(just_arrived) == queued_tasks(being_downloaded) == []


def test_requeue_media_command_reports_what_it_queued(capsys, django_capture_on_commit_callbacks):
    stale = make_media_message(data=PHOTO, media_retry_at=timezone.now() - timedelta(hours=1))

    with django_capture_on_commit_callbacks(execute=True):
        call_command("requeue_media")

    assert capsys.readouterr().out.strip() == "Requeued 1 media download(s)."
    assert len(queued_tasks(stale)) == 1


@pytest.mark.django_db(transaction=True)
def test_the_worker_runs_a_queued_download(fake_graph, settings):
    settings.TASKS = {"default": {**settings.TASKS["default"], "QUEUES": ["default", "worker-test"]}}
    fake_graph.add_media(MEDIA_ID, PHOTO, "image/jpeg")
    message = make_media_message(data=PHOTO)
    # On a queue of its own: the browser tests' live servers run a task worker on the default
    # queue of this same database, and would take the task first.
    download_media.using(queue_name="worker-test").enqueue(message.pk)

    call_command(
        "db_worker", "--queue-name", "worker-test", "--batch", "--no-startup-delay", "--no-reload", verbosity=0
    )

    message.refresh_from_db()
    assert message.media_state == Message.MEDIA_DOWNLOADED
    [task] = queued_tasks(message)
    assert task.status == "SUCCESSFUL"
