"""The webhook's fast path under daphne: a bare ASGI handler in front of Django.

Django's request path costs ~20x a bare ASGI app on these machines, and Meta needs nothing it
offers here (no session, CSRF or auth). The handler reads the body, runs the same checks as the
Django view (`webhook.intake`), commits the raw delivery (together with any that arrived while
earlier ones were committing: `webhook.store_batches`) and answers 200; `webhook.processor` turns
it into inbox state right after, in this process or in a worker woken by `webhook.notifications`.
Everything else goes to Django unchanged."""

import logging
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qsl

from django.db import DatabaseError

from webhook import intake, notifications, processor, store_batches

logger = logging.getLogger(__name__)

PATH = "/api/whatsapp/webhook/"
# A thread per batch in flight, and one for the NOTIFY that wakes the workers.
_store_pool = ThreadPoolExecutor(max_workers=store_batches.IN_FLIGHT + 1, thread_name_prefix="webhook-store")
_batches = store_batches.StoreBatches(_store_pool)
# Wakes `process_webhooks` workers when this process doesn't apply deliveries itself.
_waker = notifications.Waker(_store_pool)


class WebhookFastPath:
    def __init__(self, django_app):
        self.django_app = django_app

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] != PATH or scope["method"] not in ("GET", "POST"):
            await self.django_app(scope, receive, send)
            return
        if scope["method"] == "GET":
            params = dict(parse_qsl(scope.get("query_string", b"").decode("latin-1"), keep_blank_values=True))
            await _answer(send, intake.verify(params))
            return
        headers = {name.lower(): value for name, value in scope.get("headers", [])}
        try:
            declared = int(headers.get(b"content-length", b"0"))
        except ValueError:
            declared = 0
        if intake.too_large(declared):
            await _answer(send, intake.TOO_LARGE)
            return
        try:
            body = await _read_body(receive)
        except _Disconnected:
            return
        if body is None:
            await _answer(send, intake.TOO_LARGE)
            return
        signature_header = headers.get(b"x-hub-signature-256", b"").decode("latin-1") or None
        refusal = intake.check(body, signature_header)
        if refusal:
            await _answer(send, refusal)
            return
        try:
            pk = await _batches.store(body, signature_header or "")
        except DatabaseError:
            logger.exception("webhook delivery could not be stored; asking Meta to retry")
            await _answer(send, intake.UNAVAILABLE)
            return
        if not processor.submit(pk):
            _waker.stored()
        await _answer(send, intake.OK)


class _Disconnected(Exception):
    pass


async def _read_body(receive) -> bytes | None:
    """The whole body, or None as soon as it grows too large."""
    chunks: list[bytes] = []
    size = 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            raise _Disconnected
        chunk = message.get("body", b"")
        size += len(chunk)
        if intake.too_large(size):
            return None
        chunks.append(chunk)
        if not message.get("more_body"):
            return b"".join(chunks)


async def _answer(send, answer: intake.Answer) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": answer.status,
            "headers": [
                (b"content-type", answer.content_type.encode()),
                (b"content-length", str(len(answer.body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": answer.body})
