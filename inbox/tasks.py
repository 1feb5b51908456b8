"""Background tasks (Django's tasks framework, database backend: they survive restarts).

The backend never retries a task by itself: `inbox.media` schedules each next try as a new
task with `run_after`, and records why the last one failed on the message."""

from django.tasks import task


@task
def download_media(message_pk: int) -> None:
    from inbox import media

    media.download(message_pk)
