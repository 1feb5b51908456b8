"""Meta's webhook deliveries for tests: the stored payload fixtures, Meta's wire encoding for
bodies built in a test, and signed POSTs to the webhook endpoint."""

import json
from pathlib import Path

from conftest import TEST_APP_SECRET
from webhook import signature

PAYLOADS = Path(__file__).parent / "payloads"
URL = "/api/whatsapp/webhook/"
SIGN = object()  # sentinel: sign the body with the test app secret

# Ids shared by several fixtures.
BUSINESS_NUMBER_ID = "106540352242922"
SECOND_BUSINESS_NUMBER_ID = "114433982109876"
KERRY = "16505551234"
KERRY_USER_ID = "US.13491208655302741918"
KERRY_NEW_NUMBER = "16505559876"
AMELIE = "447700900123"
SAM_USER_ID = "US.48213906475510398271"
OUTBOUND_WAMID = "wamid.HBgLMTY1MDU1NTEyMzQVQIAEhgUB0B1wBG1VOsczlKjHRCeFVPhsgAA="
OUTBOUND_VOICE_WAMID = "wamid.HBgLMTY1MDU1NTEyMzQVQIAEhgU5Hy/ckw9QFf2Alr4OtqWUf/d4rAA="
OUTBOUND_FAILED_WAMID = "wamid.HBgLMTY1MDU1NTEyMzQVQIAEhgUrPBDY8RCLS5Iz9TTZBHJGcE9HHAA="
OUTBOUND_TO_USERNAME_WAMID = "wamid.HBgLMAVQIAEhgU/dfb6liuQpfIhNYRuDAYkJ88SMAA="


def names(prefix: str = "") -> list[str]:
    """Fixture names (`<type>__<variant>`), sorted, optionally only those starting with `prefix`."""
    return sorted(p.stem for p in PAYLOADS.glob(f"{prefix}*.json"))


def load(name: str) -> bytes:
    """The fixture's bytes exactly as Meta would send them."""
    return (PAYLOADS / f"{name}.json").read_bytes()


def data(name: str) -> dict:
    return json.loads(load(name))


def wire(value: dict) -> bytes:
    """`value` encoded the way Meta sends it: compact, non-ASCII as \\uXXXX, "/" as "\\/"."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=True).replace("/", "\\/").encode("ascii")


def sign(body: bytes) -> str:
    return signature.sign(body, TEST_APP_SECRET)


def post(client, body: bytes, *, signature: str | None | object = SIGN, **headers):
    """POST `body` to the webhook as Meta would; `signature=None` leaves the header out."""
    if signature is SIGN:
        signature = sign(body)
    if signature is not None:
        headers["X-Hub-Signature-256"] = signature
    return client.generic("POST", URL, body, content_type="application/json", headers=headers)


def deliver(client, name_or_body: str | bytes):
    """POST a fixture (by name) or a body, signed, and insist Meta got its 200."""
    body = load(name_or_body) if isinstance(name_or_body, str) else name_or_body
    response = post(client, body)
    assert response.status_code == 200, response.content
    return response


def messages_of(name: str) -> list[dict]:
    """Every message object in a fixture, in payload order."""
    return [
        message
        for entry in data(name).get("entry", [])
        for change in entry.get("changes", [])
        for message in change.get("value", {}).get("messages", [])
    ]


def message_of(name: str) -> dict:
    (message,) = messages_of(name)
    return message


def with_message(name: str, **overrides) -> bytes:
    """The single-message fixture `name` with fields of its message replaced (None removes one)."""
    value = data(name)
    message = value["entry"][0]["changes"][0]["value"]["messages"][0]
    for key, new in overrides.items():
        if new is None:
            message.pop(key, None)
        else:
            message[key] = new
    return wire(value)
