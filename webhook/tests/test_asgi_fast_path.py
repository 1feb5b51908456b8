"""The webhook as daphne serves it (webhook.asgi): the same answers as the Django view, the raw
delivery committed before the 200, and the background processor turning it into inbox state."""

import json
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from unittest import mock

import pytest
from django.core.asgi import get_asgi_application
from django.db import DatabaseError, connections
from django.utils import timezone

from conftest import TEST_VERIFY_TOKEN
from inbox.models import Conversation, Message
import webhook.asgi
from webhook import notifications, processor, store_batches
from webhook.asgi import WebhookFastPath
from webhook.models import Delivery
from webhook.tests.asgi_calls import call
from webhook.tests.deliveries import load, sign, wire

# The fast path stores deliveries on its own database threads, so rows must really commit.
pytestmark = pytest.mark.django_db(transaction=True)

TOO_BIG = 3_500_001


@pytest.fixture
def app(monkeypatch):
    """The fast path, storing (and notifying) on a pool of its own that closes its database
    connection after the test (the server's pool keeps connections open, which would block
    dropping the test database)."""
    pool = ThreadPoolExecutor(max_workers=1)
    monkeypatch.setattr(webhook.asgi, "_batches", store_batches.StoreBatches(pool))
    monkeypatch.setattr(webhook.asgi, "_waker", notifications.Waker(pool))
    yield WebhookFastPath(get_asgi_application())
    pool.submit(connections.close_all).result()
    pool.shutdown()


def post(app, body: bytes, *, signature: str | None = None, chunk: int | None = None, length: bool = True):
    headers = {"content-type": "application/json"}
    if length:
        headers["content-length"] = str(len(body))
    if signature is not None:
        headers["x-hub-signature-256"] = signature
    chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)] if chunk else [body]
    return call(app, chunks=chunks, headers=headers)


def big_body() -> bytes:
    value = json.loads(load("text__basic"))
    value["entry"][0]["changes"][0]["value"]["messages"][0]["text"]["body"] = "x" * TOO_BIG
    return wire(value)


def test_verification_echoes_the_challenge(app):
    query = f"hub.mode=subscribe&hub.challenge=chal-123&hub.verify_token={TEST_VERIFY_TOKEN}".encode()
    response = call(app, method="GET", query_string=query)
    assert (response.status_code, response.content) == (200, b"chal-123")
    assert response.headers[b"content-type"].startswith(b"text/plain")


def test_verification_refuses_a_wrong_token(app):
    response = call(app, method="GET", query_string=b"hub.mode=subscribe&hub.challenge=1&hub.verify_token=nope")
    assert response.status_code == 403


def test_stores_the_delivery_byte_for_byte_before_answering_200(app):
    body = load("text__emoji_and_accents")
    response = post(app, body, signature=sign(body), chunk=100)
    assert response.status_code == 200
    delivery = Delivery.objects.get()
    assert bytes(delivery.body) == body
    assert delivery.state == Delivery.RECEIVED


def test_the_processor_turns_a_stored_delivery_into_inbox_state(app):
    body = load("text__basic")
    post(app, body, signature=sign(body))
    processor.process(list(Delivery.objects.values_list("pk", flat=True)))
    assert Delivery.objects.get().state == Delivery.PROCESSED
    assert Message.objects.get().text_body.startswith("Hi, my order #1042")


def test_the_sweep_processes_deliveries_left_unprocessed(app):
    body = load("text__basic")
    post(app, body, signature=sign(body))
    Delivery.objects.update(received_at=timezone.now() - timedelta(minutes=5))
    assert processor.sweep() == 1
    assert Delivery.objects.get().state == Delivery.PROCESSED
    assert Conversation.objects.get().message_count == 1


def test_the_sweep_leaves_fresh_deliveries_to_the_queue(app):
    body = load("text__basic")
    post(app, body, signature=sign(body))
    assert processor.sweep() == 0
    assert Delivery.objects.get().state == Delivery.RECEIVED


@pytest.mark.parametrize("signature", [None, "sha256=" + "0" * 64, "deadbeef"])
def test_refuses_a_bad_or_missing_signature_and_stores_nothing(app, signature):
    response = post(app, load("text__basic"), signature=signature)
    assert response.status_code == 403
    assert Delivery.objects.count() == 0


def test_refuses_a_signed_body_that_is_not_json(app):
    body = b"{oops"
    assert post(app, body, signature=sign(body)).status_code == 400
    assert Delivery.objects.count() == 0


def test_refuses_a_body_declared_too_large_before_reading_it(app):
    body = load("text__basic")
    headers = {"content-length": str(TOO_BIG), "x-hub-signature-256": sign(body)}
    assert call(app, chunks=[body], headers=headers).status_code == 413
    assert Delivery.objects.count() == 0


def test_refuses_a_too_large_body_sent_in_chunks_without_a_length(app):
    body = big_body()
    response = post(app, body, signature=sign(body), chunk=65536, length=False)
    assert response.status_code == 413
    assert Delivery.objects.count() == 0


def test_answers_503_when_the_delivery_cannot_be_stored(app):
    body = load("text__basic")
    with mock.patch.object(Delivery.objects, "store_many", side_effect=DatabaseError("database is down")):
        response = post(app, body, signature=sign(body))
    assert response.status_code == 503
    assert Delivery.objects.count() == 0


def test_the_fast_path_wakes_workers_only_when_this_process_does_not_apply_deliveries(app, monkeypatch):
    waker = mock.Mock()
    monkeypatch.setattr(webhook.asgi, "_waker", waker)
    body = load("text__basic")
    monkeypatch.setattr(webhook.asgi.processor, "submit", lambda pk: True)
    assert post(app, body, signature=sign(body)).status_code == 200
    waker.stored.assert_not_called()
    monkeypatch.setattr(webhook.asgi.processor, "submit", lambda pk: False)
    assert post(app, body, signature=sign(body)).status_code == 200
    waker.stored.assert_called_once_with()
