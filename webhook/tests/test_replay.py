from unittest import mock

import pytest

from inbox import receive
from inbox.models import Conversation, Message, StatusEvent
from webhook import replay
from webhook.models import Delivery
from webhook.tests.deliveries import deliver, load

pytestmark = pytest.mark.django_db

real_receive_messages = receive.receive_messages


def buggy_receive_messages(*args, **kwargs):
    """Stores the messages, then crashes: the bug. Its writes must roll back with the delivery."""
    real_receive_messages(*args, **kwargs)
    raise RuntimeError("bug in receive_messages")


def inbox_state() -> dict:
    return {
        "messages": list(Message.objects.order_by("pk").values_list("message_id", "status")),
        "statuses": StatusEvent.objects.count(),
        "conversations": list(
            Conversation.objects.order_by("pk").values_list("message_count", "unread_count", "last_message_at")
        ),
    }


def test_a_delivery_that_failed_on_a_bug_is_stored_once_when_replayed_after_the_fix(client):
    with mock.patch("inbox.receive.receive_messages", side_effect=buggy_receive_messages):
        deliver(client, "text__basic")
    delivery = Delivery.objects.get()
    assert delivery.state == Delivery.FAILED
    assert "bug in receive_messages" in delivery.error
    assert not Message.objects.exists()

    assert replay.replay([delivery]) == (1, 0)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.error, delivery.attempts) == (Delivery.PROCESSED, "", 2)
    assert delivery.messages == 1
    message = Message.objects.get()
    assert message.text_body == "Hi, my order #1042 hasn't arrived yet. Can you check?"
    assert (message.conversation.message_count, message.conversation.unread_count) == (1, 1)


def test_replaying_a_processed_delivery_changes_nothing(client):
    deliver(client, "batch__entries_changes_messages_statuses")
    delivery = Delivery.objects.get()
    before = inbox_state()
    assert before["messages"]

    assert replay.replay([delivery]) == (1, 0)
    assert replay.replay(Delivery.objects.all()) == (1, 0)

    assert inbox_state() == before
    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (Delivery.PROCESSED, 3)


def test_a_delivery_that_still_fails_is_counted_failed_and_keeps_its_error():
    delivery = Delivery.objects.create(body=load("text__basic"), state=Delivery.FAILED, attempts=1)

    with mock.patch("inbox.receive.receive_messages", side_effect=buggy_receive_messages):
        assert replay.replay([delivery]) == (0, 1)

    delivery.refresh_from_db()
    assert (delivery.state, delivery.attempts) == (Delivery.FAILED, 2)
    assert "bug in receive_messages" in delivery.error
    assert not Message.objects.exists()
