"""Simulated Meta webhook deliveries: customer messages of every common type and delivery
statuses, shaped, escaped and signed like Meta's, plus sending them and registering their
media with the fake Graph API so the inbox can download it.

Builders return `messages[]`/`statuses[]` items; `delivery()` wraps items in Meta's envelope;
`post()` signs and sends it. Used by `manage.py simulate_webhook` and the demo stream."""

import base64
import hashlib
import logging
import secrets
import time
from dataclasses import dataclass, field
from typing import Any

import requests

from inbox.fake_graph import webhooks
from inbox.fake_graph.state import new_wamid

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Customer:
    wa_id: str
    name: str = ""

    def contact(self) -> dict:
        return {"profile": {"name": self.name}, "wa_id": self.wa_id}


@dataclass(frozen=True)
class Media:
    """A file a customer sends: registered with the fake Graph API under `media_id`."""

    data: bytes
    mime_type: str
    filename: str = ""
    media_id: str = field(default_factory=lambda: str(10**15 + secrets.randbelow(9 * 10**15)))

    @property
    def sha256_base64(self) -> str:
        # Webhooks carry the digest base64-encoded; the media API answers it in hex.
        return base64.b64encode(hashlib.sha256(self.data).digest()).decode()


@dataclass
class Delivery:
    """A signed body ready to POST, the wamids it carries and the media to register first."""

    body: bytes
    headers: dict[str, str]
    wamids: list[str]
    media: list[Media] = field(default_factory=list)


def _message(customer: Customer, message_type: str, content: dict | None, *, at: float | None = None,
             reply_to: str | None = None, business_number: str = webhooks.DEFAULT_DISPLAY_NUMBER) -> dict:
    item: dict[str, Any] = {
        "from": customer.wa_id,
        "id": new_wamid(customer.wa_id),
        "timestamp": webhooks.timestamp(at),
        "type": message_type,
    }
    if reply_to:
        item["context"] = {"from": business_number, "id": reply_to}
    if content is not None:
        item[message_type] = content
    return item


def text(customer: Customer, body: str, **kwargs: Any) -> dict:
    return _message(customer, "text", {"body": body}, **kwargs)


def image(customer: Customer, media: Media, caption: str = "", **kwargs: Any) -> dict:
    content = {"mime_type": media.mime_type, "sha256": media.sha256_base64, "id": media.media_id}
    if caption:
        content["caption"] = caption
    return _message(customer, "image", content, **kwargs)


def document(customer: Customer, media: Media, caption: str = "", **kwargs: Any) -> dict:
    content = {
        "filename": media.filename or "document.pdf",
        "mime_type": media.mime_type,
        "sha256": media.sha256_base64,
        "id": media.media_id,
    }
    if caption:
        content["caption"] = caption
    return _message(customer, "document", content, **kwargs)


def audio(customer: Customer, media: Media, *, voice: bool = True, **kwargs: Any) -> dict:
    content = {"mime_type": media.mime_type, "sha256": media.sha256_base64, "id": media.media_id, "voice": voice}
    return _message(customer, "audio", content, **kwargs)


def location(customer: Customer, latitude: float, longitude: float, name: str = "", address: str = "",
             **kwargs: Any) -> dict:
    content: dict[str, Any] = {"latitude": latitude, "longitude": longitude}
    if name:
        content["name"] = name
    if address:
        content["address"] = address
    return _message(customer, "location", content, **kwargs)


def reaction(customer: Customer, message_id: str, emoji: str, **kwargs: Any) -> dict:
    """A reaction; an empty `emoji` is a removal, sent as Meta does now: without the key."""
    content = {"message_id": message_id, **({"emoji": emoji} if emoji else {})}
    return _message(customer, "reaction", content, **kwargs)


def status(message_id: str, status_name: str, recipient: str, **kwargs: Any) -> dict:
    error = None
    if status_name == "failed":
        error = {"code": 131026, "title": "Message undeliverable"}
    return webhooks.status(message_id, status_name, recipient, error=error, **kwargs)


def delivery(
    *,
    messages: list[dict] = (),  # type: ignore[assignment]
    statuses: list[dict] = (),  # type: ignore[assignment]
    customers: list[Customer] = (),  # type: ignore[assignment]
    media: list[Media] = (),  # type: ignore[assignment]
    app_secret: str,
    phone_number_id: str = webhooks.DEFAULT_PHONE_NUMBER_ID,
) -> Delivery:
    """One POST holding `messages` and/or `statuses`; contacts once per customer."""
    value: dict[str, Any] = {}
    unique = list({c.wa_id: c for c in customers}.values())
    if messages:
        value["contacts"] = [c.contact() for c in unique]
        value["messages"] = list(messages)
    if statuses:
        value["statuses"] = list(statuses)
    body = webhooks.encode(webhooks.envelope(value, phone_number_id=phone_number_id))
    return Delivery(
        body=body,
        headers=webhooks.headers(body, app_secret),
        wamids=[m["id"] for m in messages] + [s["id"] for s in statuses],
        media=list(media),
    )


def register_media(graph_url: str, media: Media, *, timeout: float = 5) -> bool:
    """Give the fake Graph API the bytes behind `media.media_id`. False (logged) when it can't
    be reached, e.g. when the inbox points at the real Graph API."""
    try:
        response = requests.post(
            f"{graph_url.rstrip('/')}/_control/media",
            params={"id": media.media_id, "mime_type": media.mime_type, "filename": media.filename},
            data=media.data,
            headers={"Content-Type": "application/octet-stream"},
            timeout=timeout,
        )
    except requests.RequestException as exc:
        logger.warning("media %s not registered with %s: %s", media.media_id, graph_url, type(exc).__name__)
        return False
    if response.status_code != 200:
        logger.warning("media %s not registered: HTTP %s", media.media_id, response.status_code)
        return False
    return True


def post(url: str, outgoing: Delivery, *, graph_url: str | None = None, timeout: float = 10) -> requests.Response:
    """Register the delivery's media (when a fake Graph API is named), then POST it."""
    if graph_url:
        for media in outgoing.media:
            register_media(graph_url, media)
    return requests.post(url, data=outgoing.body, headers=outgoing.headers, timeout=timeout)


def wait_for(url: str, *, timeout: float = 120, interval: float = 0.5) -> bool:
    """Until `url` answers anything over HTTP (the server is up); False after `timeout`."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            requests.get(url, timeout=2)
            return True
        except requests.RequestException:
            time.sleep(interval)
    return False
