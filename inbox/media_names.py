"""File names for media: the name an agent sees and downloads (the customer's, cleaned, or a
sensible one when there is none) and the name it is stored under. Pure: no Django, no I/O."""

import mimetypes
import secrets
import unicodedata
from datetime import datetime

MAX_NAME_LENGTH = 150

# WhatsApp's own media types first: `mimetypes` knows some of them under a rarer extension
# (audio/ogg → .oga) or not at all (audio/amr, video/3gpp on some systems).
EXTENSIONS: dict[str, str] = {
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/webp": ".webp",
    "image/gif": ".gif",
    "video/mp4": ".mp4",
    "video/3gpp": ".3gp",
    "audio/ogg": ".ogg",
    "audio/opus": ".opus",
    "audio/mpeg": ".mp3",
    "audio/mp4": ".m4a",
    "audio/aac": ".aac",
    "audio/amr": ".amr",
    "text/plain": ".txt",
    "application/pdf": ".pdf",
    "application/msword": ".doc",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.ms-excel": ".xls",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.ms-powerpoint": ".ppt",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": ".pptx",
}


def base_mime_type(mime_type: str) -> str:
    """"audio/ogg; codecs=opus" → "audio/ogg"."""
    return mime_type.split(";", 1)[0].strip().lower()


def extension_for(mime_type: str) -> str:
    base = base_mime_type(mime_type)
    return EXTENSIONS.get(base) or mimetypes.guess_extension(base) or ".bin"


def clean_filename(name: str) -> str:
    """A customer-supplied name made safe to show and to put in a download: no directories, no
    control or invisible characters, no leading dots, bounded length (extension kept). May be
    empty."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(" " if unicodedata.category(char).startswith(("C", "Z")) else char for char in name)
    name = " ".join(name.split()).lstrip(". ").rstrip(". ")
    if len(name) > MAX_NAME_LENGTH:
        stem, dot, extension = name.rpartition(".")
        if dot and 0 < len(extension) <= 10:
            name = stem[: MAX_NAME_LENGTH - len(extension) - 1].rstrip() + "." + extension
        else:
            name = name[:MAX_NAME_LENGTH].rstrip()
    return name


def display_filename(*, message_type: str, mime_type: str, filename: str, timestamp: datetime) -> str:
    """The name agents see and download under: the customer's document name when it has one,
    otherwise e.g. "whatsapp-image-2025-01-15-103000.jpg"."""
    extension = extension_for(mime_type)
    name = clean_filename(filename)
    if not name:
        return f"whatsapp-{message_type or 'media'}-{timestamp:%Y-%m-%d-%H%M%S}{extension}"
    if "." not in name.lstrip("."):
        return name + extension
    return name


def storage_filename(*, message_pk: int, mime_type: str) -> str:
    """The stored file's base name: unguessable (in case the storage is ever exposed) and with
    an extension from the mime type, never from the customer's name."""
    return f"{message_pk}-{secrets.token_hex(8)}{extension_for(mime_type)}"
