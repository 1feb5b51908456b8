"""Media of WhatsApp messages: the background download that keeps every customer file (Meta's
URLs expire after five minutes, its media ids after seven days), its retries, and retry by hand.

A media message is pending, then downloaded, or failed with a reason an agent can act on.
While pending, `media_retry_at` in the future means a worker holds the download (a lease) or
its next try is scheduled; `requeue_stale()` rescues downloads whose worker or task was lost.
Serving the stored files is `inbox.views.media`'s job."""

import logging
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial
from typing import IO

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F, Q, QuerySet
from django.utils import timezone

from inbox import media_checks, media_names, realtime, thumbnails, whatsapp
from inbox.models import Message

logger = logging.getLogger(__name__)

# The waits before the second, third, ... try; the try after the last wait is the last one.
BACKOFF = (
    timedelta(seconds=30),
    timedelta(minutes=2),
    timedelta(minutes=10),
    timedelta(hours=1),
    timedelta(hours=6),
)
MAX_ATTEMPTS = len(BACKOFF) + 1
# How long a claimed download belongs to its worker. The client's read timeout is 60 s per
# chunk, so a live transfer never stalls this long; a dead worker's claim simply runs out.
LEASE = timedelta(minutes=30)
# A pending download nobody has touched for this long lost its task or its worker.
STALE_AFTER = timedelta(minutes=15)
# Meta keeps the media of a received message for seven days.
MEDIA_ID_LIFETIME = timedelta(days=7)
THUMBNAIL_TYPES = ("image", "sticker")
KIND_NAMES = {
    "image": "an image",
    "video": "a video",
    "audio": "an audio file",
    "document": "a document",
    "sticker": "a sticker",
}

TOKEN_REASON = (
    "Meta rejected the WhatsApp access token (expired, revoked or missing a permission), so the "
    "file could not be fetched; the file itself is probably fine. Renew WHATSAPP_ACCESS_TOKEN, "
    "then retry."
)

TOKEN_MISSING_REASON = (
    "No WhatsApp access token is set, so the file could not be fetched. Set WHATSAPP_ACCESS_TOKEN, then retry."
)


class DownloadFailed(Exception):
    """One try that stored nothing. `permanent` ones are not tried again automatically."""

    def __init__(self, reason: str, *, permanent: bool = False) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent


@dataclass(frozen=True)
class StoredMedia:
    file_name: str
    thumbnail_name: str
    size: int
    mime_type: str
    filename: str


def enqueue_download(message: Message) -> None:
    """Queue the download of `message`'s media once the current transaction commits."""
    transaction.on_commit(partial(_enqueue, message.pk), robust=True)


def _enqueue(message_pk: int, run_after: datetime | None = None) -> None:
    from inbox.tasks import download_media

    task = download_media.using(run_after=run_after) if run_after else download_media
    task.enqueue(message_pk)


def download(message_pk: int) -> None:
    """Download and keep the media of message `message_pk`, or schedule the next try.

    Idempotent, and safe with any number of workers: only the worker whose conditional UPDATE
    claims the pending message downloads; a downloaded, failed or already claimed one is left
    alone, so a duplicate task never fetches or stores the file twice."""
    lease = _claim(message_pk)
    if lease is None:
        logger.debug("media of message %s: not pending or already claimed", message_pk)
        return
    message = Message.objects.filter(pk=message_pk).first()
    if message is None:
        return
    try:
        stored = _fetch_and_store(message)
    except DownloadFailed as failure:
        _record_failure(message, lease=lease, failure=failure)
    except Exception:
        # A bug or an outage we did not foresee must still end in a retry or a visible failure,
        # never in a message that stays pending for ever.
        logger.exception("media of message %s: download crashed", message_pk)
        _record_failure(message, lease=lease, failure=DownloadFailed("Unexpected error while downloading."))
    else:
        _record_success(message, lease=lease, stored=stored)


def _claim(message_pk: int) -> datetime | None:
    """Take the pending download for LEASE; the lease's end doubles as the claim's token."""
    now = timezone.now()
    lease = now + LEASE
    claimed = (
        Message.objects.filter(pk=message_pk, media_state=Message.MEDIA_PENDING)
        .filter(Q(media_retry_at__isnull=True) | Q(media_retry_at__lte=now))
        .update(media_retry_at=lease, media_attempts=F("media_attempts") + 1)
    )
    return lease if claimed else None


def _held(message: Message, lease: datetime) -> QuerySet[Message]:
    """The message, only while this worker's claim on it still stands."""
    return Message.objects.filter(pk=message.pk, media_state=Message.MEDIA_PENDING, media_retry_at=lease)


def _fetch_and_store(message: Message) -> StoredMedia:
    if not message.media_id:
        raise DownloadFailed("Meta sent no media id with this message, so there is nothing to fetch.", permanent=True)
    limit = media_checks.size_limit(message.message_type)
    info = _lookup(message)
    declared = media_checks.declared_size(info.get("file_size"))
    if declared is not None and declared > limit:
        raise DownloadFailed(_too_large(message, declared, limit), permanent=True)
    with tempfile.TemporaryFile() as spool:
        downloaded = _transfer(message, info, limit=limit, spool=spool)
        if declared is not None and downloaded.size != declared:
            raise DownloadFailed(f"The download was cut short: {downloaded.size} of {declared} bytes arrived.")
        mismatch = media_checks.checksum_mismatch(downloaded.sha256_hex, message.media_sha256, info.get("sha256"))
        if mismatch:
            raise DownloadFailed(
                f"The file does not match the checksum Meta sent (sha256 {mismatch}): it was damaged or "
                "altered on the way, so it was not kept.",
                permanent=True,
            )
        mime_type = message.media_mime_type or str(info.get("mime_type") or "") or downloaded.content_type
        return _store(message, spool, size=downloaded.size, mime_type=mime_type or "application/octet-stream")


def _lookup(message: Message) -> dict:
    """Meta's media object, with a fresh download URL (each one lives five minutes)."""
    with _meta_errors(message, step="lookup"):
        info = whatsapp.get_media(message.media_id, phone_number_id=message.phone_number_id or None)
    if not info.get("url"):
        raise DownloadFailed("Meta's answer about this media had no download URL.")
    return info


def _transfer(message: Message, info: dict, *, limit: int, spool: IO[bytes]) -> whatsapp.Downloaded:
    try:
        with _meta_errors(message, step="download", limit=limit):
            return whatsapp.download(info["url"], max_bytes=limit, into=spool)
    except DownloadFailed as failure:
        if not isinstance(failure.__cause__, whatsapp.NotFoundError):
            raise
    # The URL expired between the lookup and the download: Meta's advice is a fresh URL.
    logger.info("media of message %s: download URL expired, fetching a fresh one", message.pk)
    spool.seek(0)
    spool.truncate()
    fresh = _lookup(message)
    with _meta_errors(message, step="download", limit=limit):
        return whatsapp.download(fresh["url"], max_bytes=limit, into=spool)


@contextmanager
def _meta_errors(message: Message, *, step: str, limit: int = 0) -> Iterator[None]:
    """Meta's errors as failures with a reason an agent can act on."""
    try:
        yield
    except whatsapp.TokenMissing as error:
        raise DownloadFailed(TOKEN_MISSING_REASON) from error
    except whatsapp.TokenError as error:
        raise DownloadFailed(TOKEN_REASON) from error
    except whatsapp.MediaTooLargeError as error:
        raise DownloadFailed(_too_large(message, None, limit), permanent=True) from error
    except whatsapp.NotFoundError as error:
        if step == "download":
            raise DownloadFailed("Meta's download link had expired; a fresh one is fetched on the next try.") from error
        if message.timestamp < timezone.now() - MEDIA_ID_LIFETIME:
            raise DownloadFailed(
                "Meta no longer has this file: it keeps received media for seven days.", permanent=True
            ) from error
        raise DownloadFailed(f"Meta does not know this media id ({error.message}).") from error
    except whatsapp.GraphUnavailable as error:
        raise DownloadFailed(f"WhatsApp could not be reached ({error.message}).") from error
    except whatsapp.RateLimitError as error:
        raise DownloadFailed("Meta is rate limiting this app's requests.") from error
    except whatsapp.GraphError as error:
        raise DownloadFailed(f"Meta refused the media {step}: {error}") from error


def _too_large(message: Message, size: int | None, limit: int) -> str:
    kind = KIND_NAMES.get(message.message_type, "a file")
    if size is None:
        size_text = "The file is larger"
    else:
        size_text = f"The file is {media_checks.human_size(size)} ({size:,} bytes)"
    return f"{size_text}, over WhatsApp's {media_checks.human_size(limit)} limit for {kind}, so it was not kept."


def _store(message: Message, spool: IO[bytes], *, size: int, mime_type: str) -> StoredMedia:
    """Save the file (and its thumbnail) through the default storage; both or neither."""
    file_field = Message._meta.get_field("media_file")
    thumbnail_field = Message._meta.get_field("media_thumbnail")
    base_name = media_names.storage_filename(message_pk=message.pk, mime_type=mime_type)
    saved: list[str] = []
    try:
        spool.seek(0)
        file_name = file_field.storage.save(
            file_field.generate_filename(message, base_name), File(spool, name=base_name), max_length=255
        )
        saved.append(file_name)
        thumbnail_name = ""
        if message.message_type in THUMBNAIL_TYPES and thumbnails.can_thumbnail(mime_type):
            spool.seek(0)
            thumbnail = thumbnails.make_thumbnail(spool)
            if thumbnail:
                thumbnail_base = base_name.rsplit(".", 1)[0] + ".webp"
                thumbnail_name = thumbnail_field.storage.save(
                    thumbnail_field.generate_filename(message, thumbnail_base), ContentFile(thumbnail), max_length=255
                )
                saved.append(thumbnail_name)
    except OSError as error:
        _delete_files(saved)
        raise DownloadFailed(f"The file could not be stored ({type(error).__name__}: {error}).") from error
    audio = message.payload.get("audio") if isinstance(message.payload, dict) else None
    is_voice = isinstance(audio, dict) and audio.get("voice") is True
    filename = media_names.display_filename(
        message_type="voice" if is_voice else message.message_type,
        mime_type=mime_type,
        filename=message.media_filename,
        timestamp=message.timestamp,
    )
    return StoredMedia(file_name, thumbnail_name, size, mime_type, filename)


def _delete_files(names: list[str]) -> None:
    storage = Message._meta.get_field("media_file").storage
    for name in names:
        if name:
            try:
                storage.delete(name)
            except OSError:
                logger.warning("could not delete stored media %s", name, exc_info=True)


def _record_success(message: Message, *, lease: datetime, stored: StoredMedia) -> None:
    with transaction.atomic():
        kept = _held(message, lease).update(
            media_state=Message.MEDIA_DOWNLOADED,
            media_file=stored.file_name,
            media_thumbnail=stored.thumbnail_name,
            media_size=stored.size,
            media_mime_type=stored.mime_type,
            media_filename=stored.filename,
            media_error="",
            media_retry_at=None,
        )
        if kept:
            realtime.broadcast(realtime.Changes(changed_messages=[message.pk]))
    if kept:
        logger.info("media of message %s: stored %s (%s bytes)", message.pk, stored.file_name, stored.size)
    else:
        # Someone reset the download meanwhile (a retry by hand): their try keeps the file.
        logger.warning("media of message %s: claim lost, discarding the downloaded file", message.pk)
        _delete_files([stored.file_name, stored.thumbnail_name])


def _record_failure(message: Message, *, lease: datetime, failure: DownloadFailed) -> None:
    attempts = message.media_attempts
    final = failure.permanent or attempts >= MAX_ATTEMPTS
    with transaction.atomic():
        if final:
            reason = failure.reason if failure.permanent else f"{failure.reason} Gave up after {attempts} tries."
            changed = _held(message, lease).update(
                media_state=Message.MEDIA_FAILED, media_error=reason, media_retry_at=None
            )
        else:
            retry_at = timezone.now() + BACKOFF[attempts - 1]
            changed = _held(message, lease).update(media_error=failure.reason, media_retry_at=retry_at)
            if changed:
                transaction.on_commit(partial(_enqueue, message.pk, retry_at), robust=True)
        if changed:
            realtime.broadcast(realtime.Changes(changed_messages=[message.pk]))
    logger.warning(
        "media of message %s: try %s of %s failed%s: %s",
        message.pk,
        attempts,
        MAX_ATTEMPTS,
        " for good" if final else "",
        failure.reason,
    )


def retry(messages: QuerySet[Message]) -> int:
    """Queue the downloads of `messages` again from the first try: the failed ones, and pending
    ones that are neither being downloaded nor waiting for a scheduled try (their task was
    lost). Downloaded ones are left alone. For the Retry button and the admin's bulk action;
    returns how many were queued."""
    now = timezone.now()
    with transaction.atomic():
        pks = list(
            # By primary key: the admin's queryset may be DISTINCT, which can't be locked.
            Message.objects.select_for_update()
            .filter(pk__in=messages.values("pk"))
            .exclude(media_id__isnull=True)
            .exclude(media_id="")
            .filter(
                Q(media_state=Message.MEDIA_FAILED)
                | Q(media_state=Message.MEDIA_PENDING, media_retry_at__isnull=True)
                | Q(media_state=Message.MEDIA_PENDING, media_retry_at__lte=now)
            )
            .values_list("pk", flat=True)
        )
        if not pks:
            return 0
        Message.objects.filter(pk__in=pks).update(
            media_state=Message.MEDIA_PENDING, media_error="", media_attempts=0, media_retry_at=None
        )
        for pk in pks:
            transaction.on_commit(partial(_enqueue, pk), robust=True)
        realtime.broadcast(realtime.Changes(changed_messages=pks))
    logger.info("media downloads queued again for %s message(s)", len(pks))
    return len(pks)


def requeue_stale() -> int:
    """Queue again the pending downloads nobody has worked on for STALE_AFTER: a worker that
    died mid-download, a task lost before it was stored. Each is marked as queued now, so a
    download is requeued at most once per STALE_AFTER. Returns how many were queued."""
    now = timezone.now()
    cutoff = now - STALE_AFTER
    with transaction.atomic():
        pks = list(
            Message.objects.select_for_update()
            .filter(media_state=Message.MEDIA_PENDING)
            .exclude(media_id__isnull=True)
            .exclude(media_id="")
            .filter(Q(media_retry_at__isnull=True, created_at__lt=cutoff) | Q(media_retry_at__lt=cutoff))
            .values_list("pk", flat=True)
        )
        Message.objects.filter(pk__in=pks).update(media_retry_at=now)
        for pk in pks:
            transaction.on_commit(partial(_enqueue, pk), robust=True)
    if pks:
        logger.warning("requeued %s stale media download(s)", len(pks))
    return len(pks)
