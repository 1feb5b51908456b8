"""The fake Graph API reports each accepted message back as signed status webhooks
(sent → delivered → read), which the inbox accepts and applies."""

import json

import pytest

from conftest import TEST_APP_SECRET
from inbox import outbound
from inbox.fake_graph import webhooks
from inbox.models import Message, StatusEvent
from inbox.tests.factories import make_message
from inbox.tests.outbound_data import open_conversation

pytestmark = pytest.mark.django_db
WEBHOOK = "/api/whatsapp/webhook/"


def deliver(client, outgoing):
    return client.post(
        WEBHOOK,
        data=outgoing.body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=outgoing.headers["X-Hub-Signature-256"],
    )


def test_accepted_message_gets_sent_delivered_read_webhooks_signed_with_the_app_secret(fake_graph, staff_user):
    message = outbound.send_text(conversation=open_conversation(), author=staff_user, body="Ready")

    bodies = [json.loads(o.body) for o in fake_graph.outbox]
    statuses = [b["entry"][0]["changes"][0]["value"]["statuses"][0] for b in bodies]
    assert [s["status"] for s in statuses] == ["sent", "delivered", "read"]
    assert {s["id"] for s in statuses} == {message.message_id}
    assert statuses[0]["pricing"]["category"] == "service"
    for outgoing in fake_graph.outbox:
        assert outgoing.headers["X-Hub-Signature-256"] == webhooks.signature(outgoing.body, TEST_APP_SECRET)


def test_the_inbox_moves_the_ticks_to_read(fake_graph, staff_user, client):
    message = outbound.send_text(conversation=open_conversation(), author=staff_user, body="Ready")

    for outgoing in fake_graph.outbox:
        assert deliver(client, outgoing).status_code == 200

    message.refresh_from_db()
    assert message.status == "read"
    assert list(StatusEvent.objects.values_list("status", flat=True)) == ["sent", "delivered", "read"]


def test_an_undeliverable_message_is_reported_failed(fake_graph, staff_user, client):
    fake_graph.fail_next("undeliverable")
    message = outbound.send_text(conversation=open_conversation(), author=staff_user, body="Hello?")

    for outgoing in fake_graph.outbox:
        deliver(client, outgoing)

    message.refresh_from_db()
    assert message.status == "failed"
    assert message.error_code == 131026


def test_a_reaction_only_gets_sent(fake_graph, staff_user):
    conversation = open_conversation()
    outbound.send_reaction(conversation=conversation, author=staff_user, message=make_message(conversation=conversation), emoji="👍")

    assert len(fake_graph.outbox) == 1
    assert b'"status":"sent"' in fake_graph.outbox[0].body


def test_read_receipts_produce_no_status_webhooks(fake_graph):
    from inbox import whatsapp

    whatsapp.mark_read("106540352242922", "wamid.X")

    assert fake_graph.outbox == []
    assert not Message.objects.exists()
