"""Meta-shaped webhook deliveries for the load generator. Pure.

Text messages from a rotating set of customers, one or many per POST, and image messages
naming media registered with the fake Graph API, signed the way Meta signs them. Every
message's wamid names its phase and index (`wamid.<prefix><index>`), so the database check
and the websocket listeners can tell exactly which messages arrived."""

import json
import re
from collections.abc import Iterator

from webhook.signature import sign

WEBHOOK_PATH = "/api/whatsapp/webhook/"
PHONE_NUMBER_ID = "106540352242922"
DISPLAY_PHONE_NUMBER = "15550783881"
WABA_ID = "102290129340398"
CUSTOMERS = 1000
INDEX_DIGITS = 8

_PREFIX = re.compile(r"[A-Za-z0-9]+")
_FIRST_NAMES = ("Amara", "Jonas", "Lucía", "Mei", "Oluwaseun", "Priya", "Søren", "Tomás", "Yuki", "Zoë")
_TEXTS = (
    "Hi, is my order on its way?",
    "Can I change the delivery address to the office please",
    "Thanks! 👍",
    "The parcel arrived damaged, what should I do?",
    "¿Tienen la talla M en azul?",
    "ok",
    "Could you send me the invoice for March? Our accounting team needs it before Friday.",
    "Merci beaucoup, à bientôt",
)


def check_prefix(prefix: str) -> str:
    if not _PREFIX.fullmatch(prefix):
        raise ValueError(f"wamid prefix must be ASCII letters and digits, not {prefix!r}")
    return prefix


def wamid(prefix: str, index: int) -> str:
    return f"wamid.{check_prefix(prefix)}{index:0{INDEX_DIGITS}d}"


def wamid_pattern(prefix: str) -> re.Pattern[bytes]:
    """Finds `data-wamid="wamid.<prefix>NNNNNNNN"` in a frame; group 1 is the index."""
    escaped = re.escape(check_prefix(prefix)).encode()
    return re.compile(rb"data-wamid=[\"']wamid\." + escaped + rb"(\d{%d})[\"']" % INDEX_DIGITS)


def customer(index: int) -> tuple[str, str]:
    """(wa_id, profile name) of the customer who sends message `index`."""
    number = index % CUSTOMERS
    return f"49151{number:07d}", f"{_FIRST_NAMES[number % len(_FIRST_NAMES)]} {number}"


def text_message(*, message_id: str, wa_id: str, timestamp: int, body: str) -> dict:
    return {"from": wa_id, "id": message_id, "timestamp": str(timestamp), "type": "text", "text": {"body": body}}


def delivery(*, prefix: str, first_index: int, count: int, timestamp: int) -> dict:
    """One POST's JSON holding messages `first_index` .. `first_index + count - 1`."""
    contacts: dict[str, dict] = {}
    messages = []
    for index in range(first_index, first_index + count):
        wa_id, name = customer(index)
        contacts.setdefault(wa_id, {"profile": {"name": name}, "wa_id": wa_id})
        messages.append(
            text_message(
                message_id=wamid(prefix, index),
                wa_id=wa_id,
                timestamp=timestamp,
                body=_TEXTS[index % len(_TEXTS)],
            )
        )
    return _envelope(contacts=list(contacts.values()), messages=messages)


def _envelope(*, contacts: list[dict], messages: list[dict]) -> dict:
    value = {
        "messaging_product": "whatsapp",
        "metadata": {"display_phone_number": DISPLAY_PHONE_NUMBER, "phone_number_id": PHONE_NUMBER_ID},
        "contacts": contacts,
        "messages": messages,
    }
    return {
        "object": "whatsapp_business_account",
        "entry": [{"id": WABA_ID, "changes": [{"field": "messages", "value": value}]}],
    }


def image_message(*, message_id: str, wa_id: str, timestamp: int, media_id: str, sha256: str, mime_type: str) -> dict:
    """An image message as Meta sends it: the media id to fetch and the file's sha256 in base64."""
    return {
        "from": wa_id,
        "id": message_id,
        "timestamp": str(timestamp),
        "type": "image",
        "image": {"mime_type": mime_type, "sha256": sha256, "id": media_id},
    }


def image_delivery_body(
    *, prefix: str, index: int, timestamp: int, media_id: str, sha256: str, mime_type: str = "image/jpeg"
) -> bytes:
    """One POST's JSON holding image message `index` (wamid `wamid.<prefix><index>`)."""
    wa_id, name = customer(index)
    message = image_message(
        message_id=wamid(prefix, index),
        wa_id=wa_id,
        timestamp=timestamp,
        media_id=media_id,
        sha256=sha256,
        mime_type=mime_type,
    )
    data = _envelope(contacts=[{"profile": {"name": name}, "wa_id": wa_id}], messages=[message])
    return json.dumps(data, separators=(",", ":")).encode()


def delivery_body(*, prefix: str, first_index: int, count: int, timestamp: int) -> bytes:
    # Meta sends compact JSON with non-ASCII escaped as \uXXXX, as json.dumps does by default.
    return json.dumps(
        delivery(prefix=prefix, first_index=first_index, count=count, timestamp=timestamp), separators=(",", ":")
    ).encode()


def post_request(*, body: bytes, secret: str, host: str, path: str = WEBHOOK_PATH) -> bytes:
    """The complete HTTP/1.1 keep-alive request Meta would send with `body`."""
    head = (
        f"POST {path} HTTP/1.1\r\n"
        f"Host: {host}\r\n"
        "User-Agent: facebookexternalua\r\n"
        "Accept: */*\r\n"
        "Content-Type: application/json\r\n"
        f"X-Hub-Signature-256: {sign(body, secret)}\r\n"
        f"Content-Length: {len(body)}\r\n"
        "\r\n"
    )
    return head.encode() + body


def webhook_requests(
    *, prefix: str, deliveries: int, per_post: int, secret: str, host: str, timestamp: int
) -> Iterator[bytes]:
    """Signed requests for `deliveries` POSTs of `per_post` messages each; delivery j holds
    messages j*per_post .. (j+1)*per_post - 1."""
    for number in range(deliveries):
        body = delivery_body(prefix=prefix, first_index=number * per_post, count=per_post, timestamp=timestamp)
        yield post_request(body=body, secret=secret, host=host)
