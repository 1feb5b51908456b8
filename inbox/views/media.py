"""Serving stored media to staff: through our own URLs (never Meta's), with the right type,
inline for pictures and sound, as attachments otherwise, with byte ranges so audio and video
seek, and a sandboxing policy so a file that lies about being a picture can't run anything.
Also the Retry button of a failed download."""

import hashlib
import logging
from collections.abc import AsyncIterator, Iterator
from typing import IO

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.db.models.fields.files import FieldFile
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header, url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST, require_safe

from inbox import byte_ranges, media
from inbox.media_names import base_mime_type
from inbox.models import Message
from inbox.views.access import staff_required

logger = logging.getLogger(__name__)

CHUNK_SIZE = 64 * 1024
# Enough for the browser to show a picture or play a sound; nothing in the file may run.
CONTENT_SECURITY_POLICY = "default-src 'none'; img-src 'self'; media-src 'self'; style-src 'unsafe-inline'; sandbox"
INLINE_PREFIXES = ("image/", "video/", "audio/")
# Types that can carry script even as a "picture".
NEVER_INLINE = frozenset({"image/svg+xml", "text/html", "application/xhtml+xml", "text/xml", "application/xml"})
FALLBACK_TYPE = "application/octet-stream"


@require_safe
@staff_required
def media_file(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk, media_state=Message.MEDIA_DOWNLOADED)
    content_type = _content_type(message.media_mime_type)
    return serve(
        request,
        message.media_file,
        content_type=content_type,
        filename=message.media_filename,
        inline=_inline(content_type),
    )


@require_safe
@staff_required
def media_thumbnail(request: HttpRequest, pk: int) -> HttpResponse:
    message = get_object_or_404(Message, pk=pk, media_state=Message.MEDIA_DOWNLOADED)
    name = message.media_filename.rsplit(".", 1)[0] + "-thumbnail.webp"
    return serve(request, message.media_thumbnail, content_type="image/webp", filename=name, inline=True)


@require_POST
@staff_required
def media_retry(request: HttpRequest, pk: int) -> HttpResponse:
    """Queue a failed download again; answers htmx with the re-rendered media bubble."""
    message = get_object_or_404(Message, pk=pk)
    media.retry(Message.objects.filter(pk=pk))
    message.refresh_from_db()
    if getattr(request, "htmx", False):
        return render(request, "inbox/_media.html", {"message": message})
    referer = request.headers.get("Referer", "")
    safe = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    return HttpResponseRedirect(referer if safe else "/")


def serve(request: HttpRequest, field: FieldFile, *, content_type: str, filename: str, inline: bool) -> HttpResponse:
    """The stored file, whole (200), a single byte range of it (206), 416 for a range outside
    it, or 304 when the browser's copy is current."""
    if not field:
        raise Http404("No stored file.")
    try:
        file = field.storage.open(field.name, "rb")
    except FileNotFoundError:
        logger.error("stored media %s is missing from storage", field.name)
        raise Http404("The stored file is missing.") from None
    size = file.size
    etag = '"' + hashlib.sha256(f"{field.name}:{size}".encode()).hexdigest()[:32] + '"'
    headers = {
        "Accept-Ranges": "bytes",
        "ETag": etag,
        "Cache-Control": "private, max-age=86400",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": CONTENT_SECURITY_POLICY,
        "Cross-Origin-Resource-Policy": "same-origin",
        "Content-Disposition": content_disposition_header(not inline, filename or "download"),
    }
    if etag in _etags(request.headers.get("If-None-Match", "")):
        file.close()
        return HttpResponse(status=304, headers=headers)
    requested = request.headers.get("Range")
    if_range = request.headers.get("If-Range")
    if if_range is not None and if_range.strip() != etag:
        requested = None  # the browser's partial copy is of another file: send all of it
    try:
        part = byte_ranges.parse_range(requested, size)
    except byte_ranges.Unsatisfiable:
        file.close()
        return HttpResponse(status=416, headers={**headers, "Content-Range": f"bytes */{size}"})
    status, first, length = (200, 0, size) if part is None else (206, part.first, part.length)
    headers["Content-Length"] = str(length)
    if part is not None:
        headers["Content-Range"] = part.content_range(size)
    if request.method == "HEAD":
        file.close()
        return HttpResponse(status=status, content_type=content_type, headers=headers)
    # Under ASGI a synchronous iterator would be read whole into memory before sending.
    chunks = _async_chunks if isinstance(request, ASGIRequest) else _chunks
    return StreamingHttpResponse(chunks(file, first, length), status=status, content_type=content_type, headers=headers)


def _chunks(file: IO[bytes], first: int, length: int) -> Iterator[bytes]:
    try:
        file.seek(first)
        remaining = length
        while remaining > 0:
            chunk = file.read(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        file.close()


async def _async_chunks(file: IO[bytes], first: int, length: int) -> AsyncIterator[bytes]:
    try:
        await sync_to_async(file.seek, thread_sensitive=False)(first)
        remaining = length
        while remaining > 0:
            chunk = await sync_to_async(file.read, thread_sensitive=False)(min(CHUNK_SIZE, remaining))
            if not chunk:
                break
            remaining -= len(chunk)
            yield chunk
    finally:
        await sync_to_async(file.close, thread_sensitive=False)()


def _etags(header: str) -> set[str]:
    return {tag.strip().removeprefix("W/") for tag in header.split(",") if tag.strip()}


def _content_type(mime_type: str) -> str:
    """The recorded mime type, when it is a well-formed one; the customer's app declared it."""
    value = mime_type.strip()
    base = base_mime_type(value)
    kind, slash, subtype = base.partition("/")
    well_formed = (
        slash
        and kind
        and subtype
        and value.isascii()
        and value.isprintable()
        and all(char.isalnum() or char in "!#$&^_.+-" for char in kind + subtype)
    )
    return value if well_formed else FALLBACK_TYPE


def _inline(content_type: str) -> bool:
    base = base_mime_type(content_type)
    return base.startswith(INLINE_PREFIXES) and base not in NEVER_INLINE
