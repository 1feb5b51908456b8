"""The checks every webhook request passes before anything is stored, shared by the Django
view and the ASGI fast path so both answer Meta identically. Pure apart from settings."""

import hmac
import json
import logging
from dataclasses import dataclass

from django.conf import settings

from webhook import signature

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Answer:
    status: int
    body: bytes
    content_type: str = "application/json"


OK = Answer(200, b"OK", "text/plain")


def _error(status: int, message: str) -> Answer:
    return Answer(status, json.dumps({"error": message}).encode())


TOO_LARGE = _error(413, f"Body larger than {settings.WEBHOOK_MAX_BODY_BYTES} bytes")
UNAVAILABLE = _error(503, "Storage unavailable, retry later")
METHOD_NOT_ALLOWED = _error(405, "Use GET for verification or POST for deliveries")


def verify(params: dict[str, str]) -> Answer:
    """Meta's subscription handshake: echo `hub.challenge` verbatim when the token matches."""
    token = params.get("hub.verify_token", "")
    expected = settings.WHATSAPP_WEBHOOK_VERIFY_TOKEN
    if (
        params.get("hub.mode") == "subscribe"
        and expected
        and hmac.compare_digest(token.encode(), expected.encode())
    ):
        return Answer(200, params.get("hub.challenge", "").encode(), "text/plain")
    logger.warning("webhook verification refused")
    return Answer(403, b"Verification failed", "text/plain")


def too_large(length: int) -> bool:
    return length > settings.WEBHOOK_MAX_BODY_BYTES


def check(body: bytes, signature_header: str | None) -> Answer | None:
    """None when the delivery may be stored, else the answer refusing it."""
    if too_large(len(body)):
        return TOO_LARGE
    if not signature.is_valid(body, signature_header, settings.WHATSAPP_APP_SECRET):
        logger.warning("webhook delivery refused: %s signature", "invalid" if signature_header else "missing")
        return _error(403, "Invalid or missing X-Hub-Signature-256")
    try:
        json.loads(body)
    except ValueError:
        return _error(400, "Body is not valid JSON")
    return None
