"""Test data for media: messages waiting for their download, real little pictures, and Meta's
two ways of writing a sha256."""

import base64
import hashlib
from io import BytesIO
from typing import Any

from django.core.files.base import ContentFile
from PIL import Image

from inbox.media_names import extension_for
from inbox.models import Message
from inbox.tests.factories import make_message

MEDIA_ID = "1357913579246"


def webhook_sha256(data: bytes) -> str:
    """The webhook's form: base64 of the digest."""
    return base64.b64encode(hashlib.sha256(data).digest()).decode()


def jpeg_bytes(size: tuple[int, int] = (1200, 800), color: str = "teal") -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, "JPEG")
    return buffer.getvalue()


def webp_sticker_bytes() -> bytes:
    buffer = BytesIO()
    Image.new("RGBA", (512, 512), (255, 0, 0, 0)).save(buffer, "WEBP")
    return buffer.getvalue()


def make_media_message(
    *, data: bytes, message_type: str = "image", mime_type: str = "image/jpeg", **overrides: Any
) -> Message:
    """A media message as ingest leaves it: pending, with the webhook's id, type and checksum."""
    values: dict[str, Any] = {
        "message_type": message_type,
        "text_body": None,
        "media_id": MEDIA_ID,
        "media_mime_type": mime_type,
        "media_sha256": webhook_sha256(data),
        "media_state": Message.MEDIA_PENDING,
        "payload": {"type": message_type, message_type: {"id": MEDIA_ID, "mime_type": mime_type}},
    }
    values.update(overrides)
    return make_message(**values)


def stored_files(root) -> list[str]:
    """Every file under MEDIA_ROOT, relative, sorted."""
    return sorted(str(path.relative_to(root)) for path in root.rglob("*") if path.is_file())


def make_downloaded_message(
    *, data: bytes, message_type: str = "image", mime_type: str = "image/jpeg", filename: str = "photo.jpg",
    thumbnail: bytes | None = None, **overrides: Any
) -> Message:
    """A media message whose file is already stored (as `inbox.media.download` leaves it)."""
    message = make_media_message(data=data, message_type=message_type, mime_type=mime_type, **overrides)
    message.media_file.save(f"{message.pk}-test{extension_for(mime_type)}", ContentFile(data), save=False)
    if thumbnail is not None:
        message.media_thumbnail.save(f"{message.pk}-test.webp", ContentFile(thumbnail), save=False)
    message.media_state = Message.MEDIA_DOWNLOADED
    message.media_size = len(data)
    message.media_filename = filename
    message.save()
    return message
