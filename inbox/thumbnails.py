"""Small WebP previews of images and stickers, so a thread full of photos stays light.

A thumbnail is a convenience: a file Pillow cannot read (or one too large to decode safely)
gets none, and the original is still kept and served."""

import logging
from io import BytesIO
from typing import IO

from PIL import Image, ImageOps

from inbox.media_names import base_mime_type

logger = logging.getLogger(__name__)

# Twice the bubble's width, for high-density screens.
THUMBNAIL_SIZE = (480, 480)
# A 5 MB WhatsApp image is far below this; a decompression bomb is far above.
MAX_PIXELS = 50_000_000
THUMBNAIL_MIME_TYPES = frozenset({"image/jpeg", "image/png", "image/webp", "image/gif"})


def can_thumbnail(mime_type: str) -> bool:
    return base_mime_type(mime_type) in THUMBNAIL_MIME_TYPES


def make_thumbnail(source: IO[bytes]) -> bytes | None:
    """WebP bytes of the first frame of `source`, at most THUMBNAIL_SIZE, turned upright per
    its EXIF orientation, transparency kept; None if it can't be made."""
    try:
        with Image.open(source) as image:
            if image.width * image.height > MAX_PIXELS:
                logger.info("no thumbnail: %sx%s pixels is too large", image.width, image.height)
                return None
            image.seek(0)
            # JPEGs decode straight at a reduced scale (DCT scaling): a phone photo is several
            # times the thumbnail's size.
            image.draft("RGB", THUMBNAIL_SIZE)
            frame = ImageOps.exif_transpose(image)
            has_alpha = frame.mode in ("RGBA", "LA", "PA") or "transparency" in frame.info
            frame = frame.convert("RGBA" if has_alpha else "RGB")
            frame.thumbnail(THUMBNAIL_SIZE)
            buffer = BytesIO()
            # method 0: the fastest encoder setting, a few times quicker than the default for a
            # slightly larger file; downloads are the throughput that matters here.
            frame.save(buffer, "WEBP", quality=80, method=0)
            return buffer.getvalue()
    # Pillow reports damaged files with many exception types (OSError, SyntaxError, ValueError,
    # struct.error, DecompressionBombError...); none of them may fail a download.
    except Exception as error:  # noqa: BLE001
        logger.info("no thumbnail: %s: %s", type(error).__name__, error)
        return None
