"""Background tasks (Django's tasks framework, database backend: they survive restarts)."""

from django.tasks import task


@task
def download_media(message_pk: int) -> None:
    from inbox import media

    media.download(message_pk)
