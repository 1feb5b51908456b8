"""Media of WhatsApp messages: queueing downloads after commit."""

from functools import partial

from django.db import transaction

from inbox.models import Message


def enqueue_download(message: Message) -> None:
    """Queue the download of `message`'s media once the current transaction commits."""
    from inbox.tasks import download_media

    transaction.on_commit(partial(download_media.enqueue, message.pk), robust=True)
