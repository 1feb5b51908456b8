"""Delivery statuses of outbound messages: every event kept once, the message's status only
moving forward whatever order Meta sends them in, and statuses that arrive before the message
is stored applied when it is."""

from itertools import permutations

import pytest

from inbox import actions
from inbox.models import Conversation, Message, StatusEvent
from webhook.tests.deliveries import (
    KERRY,
    OUTBOUND_FAILED_WAMID,
    OUTBOUND_TO_USERNAME_WAMID,
    OUTBOUND_VOICE_WAMID,
    OUTBOUND_WAMID,
    SAM_USER_ID,
    data,
    deliver,
    wire,
)

pytestmark = pytest.mark.django_db

LADDER = ["sent", "delivered", "read"]


@pytest.fixture
def conversation(client) -> Conversation:
    deliver(client, "text__basic")
    return Conversation.objects.get()


def send(conversation: Conversation, wamid: str = OUTBOUND_WAMID, message_type: str = "text") -> Message:
    return actions.record_outbound_message(
        conversation=conversation, message_id=wamid, message_type=message_type, text_body="Your order shipped"
    )


def status_body(status: str, wamid: str = OUTBOUND_WAMID) -> bytes:
    value = data("status__delivered")
    update = value["entry"][0]["changes"][0]["value"]["statuses"][0]
    update.update(id=wamid, status=status)
    return wire(value)


def current(wamid: str = OUTBOUND_WAMID) -> Message:
    return Message.objects.get(message_id=wamid)


def test_an_accepted_message_waits_for_its_first_status(conversation):
    message = send(conversation)
    assert message.status == "accepted"
    assert message.direction == Message.OUTBOUND


@pytest.mark.parametrize("status", LADDER)
def test_each_status_is_applied_and_kept_as_an_event(client, conversation, status):
    send(conversation)
    deliver(client, f"status__{status}")
    assert current().status == status
    event = StatusEvent.objects.get()
    assert (event.message_id, event.status, event.recipient_number) == (OUTBOUND_WAMID, status, KERRY)
    assert event.payload == data(f"status__{status}")["entry"][0]["changes"][0]["value"]["statuses"][0]


@pytest.mark.parametrize("order", list(permutations(LADDER)))
def test_statuses_in_any_order_end_at_the_highest(client, conversation, order):
    send(conversation)
    for status in order:
        deliver(client, f"status__{status}")
    assert current().status == "read"
    assert StatusEvent.objects.count() == 3


def test_read_then_delivered_stays_read(client, conversation):
    send(conversation)
    deliver(client, "status__read")
    deliver(client, "status__delivered")
    assert current().status == "read"


def test_read_without_delivered_is_read(client, conversation):
    send(conversation)
    deliver(client, "status__sent")
    deliver(client, "status__read")
    assert current().status == "read"


def test_played_ranks_above_read(client, conversation):
    send(conversation, OUTBOUND_VOICE_WAMID, "audio")
    deliver(client, status_body("read", OUTBOUND_VOICE_WAMID))
    deliver(client, "status__played")
    deliver(client, status_body("delivered", OUTBOUND_VOICE_WAMID))
    assert current(OUTBOUND_VOICE_WAMID).status == "played"


def test_failed_replaces_sent_and_records_the_error(client, conversation):
    send(conversation, OUTBOUND_FAILED_WAMID)
    deliver(client, status_body("sent", OUTBOUND_FAILED_WAMID))
    deliver(client, "status__failed")
    message = current(OUTBOUND_FAILED_WAMID)
    assert message.status == "failed"
    assert message.error_code == 131047
    assert message.error_message.startswith("Re-engagement message: Message failed to send")


def test_failed_replaces_accepted(client, conversation):
    send(conversation, OUTBOUND_FAILED_WAMID)
    deliver(client, "status__failed")
    assert current(OUTBOUND_FAILED_WAMID).status == "failed"


def test_failed_after_delivered_keeps_delivered_and_the_event(client, conversation):
    send(conversation, OUTBOUND_FAILED_WAMID)
    deliver(client, status_body("delivered", OUTBOUND_FAILED_WAMID))
    deliver(client, "status__failed")
    message = current(OUTBOUND_FAILED_WAMID)
    assert message.status == "delivered"
    assert message.error_code is None
    assert StatusEvent.objects.filter(status="failed").exists()


def test_sent_after_failed_keeps_failed(client, conversation):
    send(conversation, OUTBOUND_FAILED_WAMID)
    deliver(client, "status__failed")
    deliver(client, status_body("sent", OUTBOUND_FAILED_WAMID))
    assert current(OUTBOUND_FAILED_WAMID).status == "failed"


def test_an_unknown_status_is_kept_as_an_event_and_changes_nothing(client, conversation):
    send(conversation)
    deliver(client, "status__delivered")
    deliver(client, "status__unknown_deleted")
    assert current().status == "delivered"
    assert set(StatusEvent.objects.values_list("status", flat=True)) == {"delivered", "deleted"}


def test_a_repeated_status_is_kept_once(client, conversation):
    send(conversation)
    deliver(client, "status__read")
    deliver(client, "status__read")
    assert StatusEvent.objects.count() == 1
    assert current().status == "read"


def test_a_status_of_an_inbound_message_changes_nothing(client, conversation):
    inbound = Message.objects.get()
    deliver(client, status_body("read", inbound.message_id))
    inbound.refresh_from_db()
    assert inbound.status == "received"


def test_a_status_before_its_message_is_kept_and_applied_when_the_message_is_stored(client, conversation):
    deliver(client, "status__delivered")
    deliver(client, "status__sent")
    assert not Message.objects.filter(message_id=OUTBOUND_WAMID).exists()
    assert StatusEvent.objects.count() == 2
    assert send(conversation).status == "delivered"


def test_a_failed_status_before_its_message_is_applied_with_its_error(client, conversation):
    deliver(client, "status__failed")
    message = send(conversation, OUTBOUND_FAILED_WAMID)
    assert message.status == "failed"
    assert message.error_code == 131047


def test_an_early_unknown_status_leaves_a_stored_message_accepted(client, conversation):
    deliver(client, "status__unknown_deleted")
    assert send(conversation).status == "accepted"


def test_a_status_to_a_username_keeps_the_bsuid_as_recipient(client):
    deliver(client, "bsuid__username_only")
    send(Conversation.objects.get(), OUTBOUND_TO_USERNAME_WAMID)
    deliver(client, "status__recipient_user_id_only")
    assert current(OUTBOUND_TO_USERNAME_WAMID).status == "delivered"
    assert StatusEvent.objects.get().recipient_number == SAM_USER_ID


def test_statuses_do_not_touch_conversation_counters(client, conversation):
    send(conversation)
    before = Conversation.objects.values("message_count", "unread_count", "last_message_at").get()
    for status in LADDER:
        deliver(client, f"status__{status}")
    assert Conversation.objects.values("message_count", "unread_count", "last_message_at").get() == before
