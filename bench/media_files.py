"""The images of the media download phase: small real JPEGs (about 70 KB, the size of a phone
photo WhatsApp has recompressed for a thumbnail-sized view), each one distinct, with the
checksum Meta puts in the webhook. Pure: made in memory with Pillow."""

import base64
import hashlib
import io
from dataclasses import dataclass
from functools import cache

from PIL import Image, ImageDraw

MIME_TYPE = "image/jpeg"
SIZE = (480, 360)


@dataclass(frozen=True)
class MediaFile:
    media_id: str
    data: bytes

    @property
    def sha256_base64(self) -> str:
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()


@cache
def _background() -> Image.Image:
    # Noise over a gradient: photo-like entropy, so the JPEG is tens of kilobytes, not two.
    gradient = Image.radial_gradient("L").resize(SIZE).convert("RGB")
    noise = Image.effect_noise(SIZE, 40).convert("RGB")
    return Image.blend(gradient, noise, 0.5)


@cache
def jpeg(index: int) -> bytes:
    """Image `index` as JPEG bytes; its number is drawn on it, so no two indexes are equal."""
    image = _background().copy()
    ImageDraw.Draw(image).text((12, 12), f"bench image {index}", fill=(255, 32, 32))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def media_id(prefix: str, index: int) -> str:
    return f"{prefix}{index:08d}"


def make(*, prefix: str, count: int) -> list[MediaFile]:
    return [MediaFile(media_id=media_id(prefix, index), data=jpeg(index)) for index in range(count)]
