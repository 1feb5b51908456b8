"""Meta doesn't deliver in order: a conversation's counters and its newest message follow
Meta's timestamps, not arrival order."""

from datetime import UTC, datetime, timedelta

import pytest

from inbox.models import Conversation, Message
from webhook.tests.deliveries import data, deliver, wire

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)


def text_at(offset: int, *, wamid: str, message_type: str = "text") -> dict:
    value = data("text__basic")
    message = value["entry"][0]["changes"][0]["value"]["messages"][0]
    message.update(id=wamid, timestamp=str(int(T0.timestamp()) + offset))
    if message_type != "text":
        message.pop("text")
        message["type"] = message_type
        message[message_type] = {"message_id": "wamid.x", "emoji": "\U0001f44d"}
    return value


def test_an_older_message_delivered_later_does_not_become_the_newest(client):
    deliver(client, wire(text_at(100, wamid="wamid.newer")))
    deliver(client, wire(text_at(50, wamid="wamid.older")))
    conversation = Conversation.objects.get()
    assert conversation.message_count == 2
    assert conversation.unread_count == 2
    assert conversation.last_message.message_id == "wamid.newer"
    assert conversation.last_message_at == T0 + timedelta(seconds=100)
    assert conversation.last_inbound_at == T0 + timedelta(seconds=100)


def test_a_newer_message_delivered_later_becomes_the_newest(client):
    deliver(client, wire(text_at(50, wamid="wamid.older")))
    deliver(client, wire(text_at(100, wamid="wamid.newer")))
    conversation = Conversation.objects.get()
    assert conversation.last_message.message_id == "wamid.newer"
    assert conversation.last_inbound_at == T0 + timedelta(seconds=100)


def test_messages_of_one_post_in_reverse_order_count_by_timestamp(client):
    value = text_at(300, wamid="wamid.third")
    messages = value["entry"][0]["changes"][0]["value"]["messages"]
    for offset, wamid in ((200, "wamid.second"), (100, "wamid.first")):
        messages.append(text_at(offset, wamid=wamid)["entry"][0]["changes"][0]["value"]["messages"][0])
    deliver(client, wire(value))
    conversation = Conversation.objects.get()
    assert conversation.message_count == 3
    assert conversation.last_message.message_id == "wamid.third"
    assert list(conversation.messages.values_list("message_id", flat=True)) == [
        "wamid.first",
        "wamid.second",
        "wamid.third",
    ]


def test_a_late_reaction_counts_but_does_not_raise_unread(client):
    deliver(client, wire(text_at(100, wamid="wamid.text")))
    deliver(client, wire(text_at(50, wamid="wamid.reaction", message_type="reaction")))
    conversation = Conversation.objects.get()
    assert (conversation.message_count, conversation.unread_count) == (2, 1)
    assert conversation.last_message.message_id == "wamid.text"


def test_a_message_without_a_usable_timestamp_takes_the_time_it_was_received(client):
    value = text_at(0, wamid="wamid.no-time")
    value["entry"][0]["changes"][0]["value"]["messages"][0]["timestamp"] = "soon"
    before = datetime.now(UTC)
    deliver(client, wire(value))
    message = Message.objects.get()
    assert before - timedelta(seconds=1) <= message.timestamp <= datetime.now(UTC)
