import hashlib
import hmac
import json

import pytest

from bench import payloads
from webhook import payload as parser

SECRET = "bench-secret"


def _split(request: bytes) -> tuple[dict[str, str], bytes]:
    head, body = request.split(b"\r\n\r\n", 1)
    lines = head.decode().split("\r\n")
    headers = dict(line.split(": ", 1) for line in lines[1:])
    return {"request-line": lines[0], **headers}, body


def test_a_batched_delivery_parses_into_every_message_with_its_wamid():
    body = payloads.delivery_body(prefix="t1", first_index=20, count=10, timestamp=1_700_000_000)
    parsed = parser.parse(body)
    assert [m.message_id for m in parsed.messages] == [payloads.wamid("t1", i) for i in range(20, 30)]
    assert {m.phone_number_id for m in parsed.messages} == {payloads.PHONE_NUMBER_ID}
    assert all(m.text_body for m in parsed.messages)
    assert not parsed.ignored


def test_each_sender_appears_once_in_contacts():
    data = payloads.delivery(prefix="t1", first_index=0, count=5, timestamp=1)
    value = data["entry"][0]["changes"][0]["value"]
    assert len(value["contacts"]) == len({c["wa_id"] for c in value["contacts"]})
    assert {m["from"] for m in value["messages"]} == {c["wa_id"] for c in value["contacts"]}


def test_bodies_escape_non_ascii_like_meta():
    body = payloads.delivery_body(prefix="t1", first_index=0, count=len(payloads._TEXTS), timestamp=1)
    assert body.isascii()
    texts = [m["text"]["body"] for m in json.loads(body)["entry"][0]["changes"][0]["value"]["messages"]]
    assert "Thanks! 👍" in texts


def test_requests_carry_a_valid_signature_and_exact_length():
    request = next(
        payloads.webhook_requests(prefix="s", deliveries=1, per_post=1, secret=SECRET, host="h", timestamp=1)
    )
    headers, body = _split(request)
    assert headers["request-line"] == "POST /api/whatsapp/webhook/ HTTP/1.1"
    assert int(headers["Content-Length"]) == len(body)
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers["X-Hub-Signature-256"] == expected
    assert json.loads(body)["object"] == "whatsapp_business_account"


def test_consecutive_deliveries_hold_consecutive_messages():
    requests = list(
        payloads.webhook_requests(prefix="b", deliveries=3, per_post=10, secret=SECRET, host="h", timestamp=1)
    )
    wamids = [m.message_id for request in requests for m in parser.parse(_split(request)[1]).messages]
    assert wamids == [payloads.wamid("b", i) for i in range(30)]


def test_wamid_pattern_finds_the_index_in_a_fragment():
    fragment = f'<div id="msg-7" data-wamid="{payloads.wamid("p2", 1234)}">hi</div>'.encode()
    other = f'<div data-wamid="{payloads.wamid("p22", 1)}"></div>'.encode()
    pattern = payloads.wamid_pattern("p2")
    assert [int(i) for i in pattern.findall(fragment)] == [1234]
    assert pattern.findall(other) == []


def test_prefixes_are_restricted_to_letters_and_digits():
    with pytest.raises(ValueError):
        payloads.wamid("a.b", 1)


def test_an_image_delivery_parses_into_one_image_message_naming_its_media_and_checksum():
    body = payloads.image_delivery_body(
        prefix="m1", index=7, timestamp=1_700_000_000, media_id="m100000007", sha256="c2hhMjU2"
    )
    parsed = parser.parse(body)
    [message] = parsed.messages
    assert message.message_id == payloads.wamid("m1", 7)
    assert message.message_type == "image"
    assert (message.media.id, message.media.sha256, message.media.mime_type) == ("m100000007", "c2hhMjU2", "image/jpeg")
    assert not parsed.ignored
