"""Meta's webhook endpoint: the verification handshake (GET) and deliveries (POST).

A delivery is acknowledged only once its raw body has committed; what happens after that can be
replayed, so a processing error still answers 200 (a retry storm would not fix our bug)."""

import hmac
import json
import logging

from django.conf import settings
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from webhook import ingest, signature
from webhook.models import Delivery

logger = logging.getLogger(__name__)


def _error(status: int, message: str) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@csrf_exempt
@require_http_methods(["GET", "POST"])
def webhook(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return verify(request)
    return receive(request)


def verify(request: HttpRequest) -> HttpResponse:
    token = request.GET.get("hub.verify_token", "")
    expected = settings.WHATSAPP_WEBHOOK_VERIFY_TOKEN
    if (
        request.GET.get("hub.mode") == "subscribe"
        and expected
        and hmac.compare_digest(token.encode(), expected.encode())
    ):
        return HttpResponse(request.GET.get("hub.challenge", ""), content_type="text/plain")
    logger.warning("webhook verification refused")
    return HttpResponse("Verification failed", status=403, content_type="text/plain")


def read_body(request: HttpRequest) -> bytes | None:
    """The body, or None when it is larger than WEBHOOK_MAX_BODY_BYTES."""
    limit = settings.WEBHOOK_MAX_BODY_BYTES
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > limit:
        return None
    body = request.read(limit + 1)
    return None if len(body) > limit else body


def receive(request: HttpRequest) -> HttpResponse:
    body = read_body(request)
    if body is None:
        return _error(413, f"Body larger than {settings.WEBHOOK_MAX_BODY_BYTES} bytes")
    header = request.headers.get("X-Hub-Signature-256")
    if not signature.is_valid(body, header, settings.WHATSAPP_APP_SECRET):
        logger.warning("webhook delivery refused: %s signature", "missing" if not header else "invalid")
        return _error(403, "Invalid or missing X-Hub-Signature-256")
    try:
        json.loads(body)
    except ValueError:
        return _error(400, "Body is not valid JSON")
    try:
        delivery = Delivery.objects.create(body=body, signature=header or "")
    except DatabaseError:
        logger.exception("webhook delivery could not be stored; asking Meta to retry")
        return _error(503, "Storage unavailable, retry later")
    ingest.process_delivery(delivery)
    return HttpResponse("OK", content_type="text/plain")
