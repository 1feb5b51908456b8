"""The webhook endpoint through Django's request path: Meta's verification handshake and the
acknowledgement rules for deliveries (403 / 400 / 413 / 503 / 200)."""

import hmac
import json
from unittest import mock

import pytest
from django.core.handlers.asgi import ASGIHandler
from django.db import DatabaseError

from conftest import TEST_VERIFY_TOKEN
from inbox.models import Conversation, Message, StatusEvent
from webhook.models import Delivery
from webhook.tests import asgi_calls
from webhook.tests.deliveries import URL, deliver, load, names, post, sign, wire

pytestmark = pytest.mark.django_db

TOO_BIG = 3_500_001


def verification(client, **params):
    query = {"hub.mode": "subscribe", "hub.challenge": "1158201444", "hub.verify_token": TEST_VERIFY_TOKEN}
    query.update(params)
    return client.get(URL, {k: v for k, v in query.items() if v is not None})


def assert_nothing_stored():
    assert Delivery.objects.count() == 0
    assert Message.objects.count() == 0
    assert StatusEvent.objects.count() == 0
    assert Conversation.objects.count() == 0


def big_signed_body() -> bytes:
    value = json.loads(load("text__basic"))
    value["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = "x" * TOO_BIG
    return wire(value)


def test_verification_echoes_the_challenge_verbatim_as_plain_text(client):
    response = verification(client, **{"hub.challenge": "0012-Ab_c.x"})
    assert response.status_code == 200
    assert response.content == b"0012-Ab_c.x"
    assert response["Content-Type"].startswith("text/plain")


def test_verification_keeps_a_numeric_challenge_as_text(client):
    response = verification(client, **{"hub.challenge": "00001158201444"})
    assert response.content == b"00001158201444"


def test_verification_refuses_a_wrong_token(client):
    response = verification(client, **{"hub.verify_token": "guess"})
    assert response.status_code == 403
    assert b"1158201444" not in response.content


def test_verification_refuses_a_missing_token(client):
    assert verification(client, **{"hub.verify_token": None}).status_code == 403


def test_verification_refuses_a_mode_other_than_subscribe(client):
    assert verification(client, **{"hub.mode": "unsubscribe"}).status_code == 403
    assert verification(client, **{"hub.mode": None}).status_code == 403


def test_verification_fails_closed_without_a_configured_token(client, settings):
    settings.WHATSAPP_WEBHOOK_VERIFY_TOKEN = ""
    assert verification(client, **{"hub.verify_token": ""}).status_code == 403


def test_verification_compares_the_token_in_constant_time(client):
    with mock.patch("hmac.compare_digest", wraps=hmac.compare_digest) as compare:
        assert verification(client).status_code == 200
    compare.assert_called_once_with(TEST_VERIFY_TOKEN.encode(), TEST_VERIFY_TOKEN.encode())


def test_refuses_a_delivery_with_a_wrong_signature_and_stores_nothing(client):
    body = load("text__basic")
    response = post(client, body, signature=sign(body + b"x"))
    assert response.status_code == 403
    assert_nothing_stored()


def test_refuses_a_delivery_without_a_signature_and_stores_nothing(client):
    response = post(client, load("text__basic"), signature=None)
    assert response.status_code == 403
    assert_nothing_stored()


def test_refuses_a_signature_without_the_sha256_prefix(client):
    body = load("text__basic")
    response = post(client, body, signature=sign(body).removeprefix("sha256="))
    assert response.status_code == 403
    assert_nothing_stored()


def test_refuses_every_delivery_when_no_app_secret_is_configured(client, settings):
    settings.WHATSAPP_APP_SECRET = ""
    assert post(client, load("text__basic")).status_code == 403
    assert_nothing_stored()


def test_refuses_a_signature_over_re_serialised_json(client):
    body = load("text__emoji_and_accents")
    reencoded = json.dumps(json.loads(body), ensure_ascii=False).encode()
    response = post(client, body, signature=sign(reencoded))
    assert response.status_code == 403
    assert_nothing_stored()


@pytest.mark.parametrize("body", [b"{not json", b"", b"\xff\xfe{}", b'{"object": "whatsapp_business_account",'])
def test_refuses_a_signed_body_that_is_not_json(client, body):
    response = post(client, body)
    assert response.status_code == 400
    assert_nothing_stored()


def test_refuses_a_body_declared_larger_than_the_limit_before_reading_it(client):
    body = load("text__basic")
    response = post(client, body, CONTENT_LENGTH=str(TOO_BIG))
    assert response.status_code == 413
    assert_nothing_stored()


def test_refuses_a_body_larger_than_the_limit(client):
    response = post(client, big_signed_body())
    assert response.status_code == 413
    assert_nothing_stored()


@pytest.mark.django_db(transaction=True)
def test_refuses_a_large_body_sent_without_a_content_length():
    body = big_signed_body()
    chunks = [body[i : i + 65536] for i in range(0, len(body), 65536)]
    response = asgi_calls.call(
        ASGIHandler(), chunks=chunks, headers={"content-type": "application/json", "x-hub-signature-256": sign(body)}
    )
    assert response.status_code == 413
    assert_nothing_stored()


def test_accepts_a_body_just_under_the_limit(client, settings):
    body = load("text__basic")
    settings.WEBHOOK_MAX_BODY_BYTES = len(body)
    deliver(client, body)
    assert Message.objects.count() == 1


def test_answers_503_when_the_delivery_cannot_be_stored(client):
    with mock.patch.object(Delivery.objects, "store", side_effect=DatabaseError("database is down")):
        response = post(client, load("text__basic"))
    assert response.status_code == 503
    assert_nothing_stored()


@pytest.mark.parametrize("name", names())
def test_acknowledges_and_stores_every_fixture_byte_for_byte(client, name):
    body = load(name)
    deliver(client, body)
    delivery = Delivery.objects.get()
    assert bytes(delivery.body) == body
    assert delivery.signature == sign(body)
    assert delivery.state == Delivery.PROCESSED, delivery.error
    assert delivery.attempts == 1
    assert delivery.processed_at is not None


@pytest.mark.parametrize("name", names("field__") + names("object__") + ["errors__value_only"])
def test_acknowledges_payloads_the_inbox_ignores_without_creating_anything(client, name):
    deliver(client, name)
    assert Delivery.objects.get().state == Delivery.PROCESSED
    assert Message.objects.count() == 0
    assert StatusEvent.objects.count() == 0
    assert Conversation.objects.count() == 0


@pytest.mark.parametrize("body", [b"[]", b"null", b'"text"', b'{"object":"whatsapp_business_account","entry":"x"}'])
def test_acknowledges_json_that_is_not_a_webhook_object(client, body):
    deliver(client, body)
    assert Delivery.objects.get().state == Delivery.PROCESSED
    assert Message.objects.count() == 0


def test_a_processing_error_still_answers_200_and_marks_the_delivery_failed(client):
    with mock.patch("inbox.receive.record_statuses", side_effect=RuntimeError("status table exploded")):
        response = post(client, load("batch__entries_changes_messages_statuses"))
    assert response.status_code == 200
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.FAILED
    assert "status table exploded" in delivery.error
    assert delivery.attempts == 1
    # The messages before the failing status were rolled back with it: a replay starts clean.
    assert Message.objects.count() == 0
    assert Conversation.objects.count() == 0
    assert StatusEvent.objects.count() == 0


def test_refuses_other_methods(client):
    assert client.put(URL, load("text__basic"), content_type="application/json").status_code == 405
    assert_nothing_stored()
