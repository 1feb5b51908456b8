"""What Meta promises about a media file, checked before it is kept: the per-type size limits
and the sha256 digest (base64 in webhooks, hex from the media API). Pure: no Django, no I/O."""

import base64
import binascii
import hashlib

MB = 1024 * 1024
KB = 1024

# https://developers.facebook.com/documentation/business-messaging/whatsapp/business-phone-numbers/media
# Meta says "5 MB" etc.; the binary megabyte errs on the side of keeping a customer's file.
SIZE_LIMITS: dict[str, int] = {
    "image": 5 * MB,
    "video": 16 * MB,
    "audio": 16 * MB,
    "document": 100 * MB,
    # 100 KB static, 500 KB animated: the larger bound, so an animated sticker is never refused.
    "sticker": 500 * KB,
}
# A media type Meta adds later gets the largest limit Meta has for any customer file.
DEFAULT_SIZE_LIMIT = 100 * MB


def size_limit(message_type: str) -> int:
    return SIZE_LIMITS.get(message_type, DEFAULT_SIZE_LIMIT)


def human_size(size: int) -> str:
    """1536 → "1.5 KB"; for reasons shown to agents."""
    if size < KB:
        return f"{size} bytes"
    value, unit = (size / KB, "KB") if size < MB else (size / MB, "MB")
    return f"{value:.1f}".removesuffix(".0") + f" {unit}"


def declared_size(value: object) -> int | None:
    """Meta's `file_size`: a string in the docs, a number in captured responses."""
    if isinstance(value, bool):
        return None
    try:
        size = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return size if size >= 0 else None


def parse_sha256(value: str | None) -> bytes | None:
    """The 32-byte digest behind Meta's text, whether hex (media API) or base64 (webhook,
    padded or not, standard or URL-safe alphabet); None when it is neither, so an unreadable
    value is not mistaken for a mismatch."""
    text = (value or "").strip()
    if not text:
        return None
    if len(text) == 64:
        try:
            return bytes.fromhex(text)
        except ValueError:
            pass
    padded = text + "=" * (-len(text) % 4)
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            digest = decode(padded.encode("ascii"))
        except (binascii.Error, ValueError, UnicodeEncodeError):
            continue
        if len(digest) == hashlib.sha256().digest_size:
            return digest
    return None


def checksum_mismatch(actual_hex: str, *expected: str | None) -> str | None:
    """The first expected digest that differs from the file's, as Meta wrote it; None when every
    readable one matches (unreadable or missing ones are skipped)."""
    actual = bytes.fromhex(actual_hex)
    for value in expected:
        digest = parse_sha256(value)
        if digest is not None and digest != actual:
            return value
    return None
