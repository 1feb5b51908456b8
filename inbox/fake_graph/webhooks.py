"""Webhook bodies the way Meta sends them: the envelope, compact JSON escaped like Meta's
(non-ASCII as \\uXXXX, "/" as "\\/"), and the X-Hub-Signature-256 header. Used by the fake Graph
API for status webhooks and by `webhook.simulator` for customer messages."""

import hashlib
import hmac
import json
import time
from typing import Any

DEFAULT_WABA_ID = "102290129340398"
DEFAULT_PHONE_NUMBER_ID = "106540352242922"
DEFAULT_DISPLAY_NUMBER = "15550783881"


def encode(payload: dict) -> bytes:
    """Meta's wire format: compact, ASCII-only, slashes escaped. The signature covers exactly
    these bytes, so a receiver that re-serialises the JSON gets a different digest."""
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=True)
    return text.replace("/", "\\/").encode("ascii")


def signature(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


def headers(body: bytes, app_secret: str) -> dict[str, str]:
    return {
        "Content-Type": "application/json",
        "X-Hub-Signature-256": signature(body, app_secret),
        "User-Agent": "facebookexternalua",
    }


def envelope(
    value: dict[str, Any],
    *,
    phone_number_id: str = DEFAULT_PHONE_NUMBER_ID,
    display_phone_number: str = DEFAULT_DISPLAY_NUMBER,
    waba_id: str = DEFAULT_WABA_ID,
) -> dict:
    """One `messages` change for one business number, around `value` (messages, contacts,
    statuses, ...)."""
    return {
        "object": "whatsapp_business_account",
        "entry": [
            {
                "id": waba_id,
                "changes": [
                    {
                        "value": {
                            "messaging_product": "whatsapp",
                            "metadata": {"display_phone_number": display_phone_number, "phone_number_id": phone_number_id},
                            **value,
                        },
                        "field": "messages",
                    }
                ],
            }
        ],
    }


def timestamp(at: float | None = None) -> str:
    return str(int(at if at is not None else time.time()))


def status(
    wamid: str,
    status_name: str,
    recipient_id: str,
    *,
    at: float | None = None,
    error: dict | None = None,
    category: str = "service",
) -> dict:
    """One item of `statuses[]`. Pricing rides on `sent` (as in API v24+, no `conversation`);
    `failed` carries `errors` and no pricing."""
    item: dict[str, Any] = {"id": wamid, "status": status_name, "timestamp": timestamp(at), "recipient_id": recipient_id}
    if status_name == "sent":
        item["pricing"] = {
            "billable": category != "service",
            "pricing_model": "PMP",
            "category": category,
            "type": "free_customer_service" if category == "service" else "regular",
        }
    if status_name == "failed" and error:
        item["errors"] = [
            {
                "code": error["code"],
                "title": error["title"],
                "message": error["title"],
                "error_data": {"details": error.get("details", error["title"])},
                "href": "https://developers.facebook.com/docs/whatsapp/cloud-api/support/error-codes/",
            }
        ]
    return item
