"""A customer who changes number (or whose number Meta withholds) keeps one conversation:
history, later messages from the new number and late ones from the old number all land in it."""

import pytest

from inbox.models import Conversation, FormerNumber, Message
from webhook.tests.deliveries import (
    KERRY,
    KERRY_NEW_NUMBER,
    KERRY_USER_ID,
    SAM_USER_ID,
    data,
    deliver,
    message_of,
    wire,
)

pytestmark = pytest.mark.django_db

CHANGES = ["system__user_changed_number", "system__customer_changed_number"]


def text_from(wa_id: str, *, wamid: str, offset: int, user_id: str | None = None, body: str = "hello") -> bytes:
    """A text message from `wa_id`, `offset` seconds after the fixtures' base time."""
    value = data("text__basic")
    change = value["entry"][0]["changes"][0]["value"]
    message = change["messages"][0]
    message.update(id=wamid, timestamp=str(1795766400 + offset), text={"body": body})
    message["from"] = wa_id
    contact = {"profile": {"name": "Kerry Fisher"}, "wa_id": wa_id}
    if user_id:
        message["from_user_id"] = contact["user_id"] = user_id
    else:
        message.pop("from_user_id")
    change["contacts"] = [contact]
    return wire(value)


@pytest.mark.parametrize("change", CHANGES)
def test_number_change_moves_the_conversation_to_the_new_number(client, change):
    deliver(client, "text__basic")
    deliver(client, change)
    conversation = Conversation.objects.get()
    assert conversation.phone_number == KERRY_NEW_NUMBER
    assert list(conversation.former_numbers.values_list("wa_id", flat=True)) == [KERRY]
    system = Message.objects.get(message_id=message_of(change)["id"])
    assert system.conversation == conversation
    assert system.message_type == "system"
    assert conversation.message_count == 2
    assert conversation.unread_count == 1


@pytest.mark.parametrize("change", CHANGES)
def test_later_messages_from_the_new_number_land_in_the_same_conversation(client, change):
    deliver(client, "text__basic")
    deliver(client, change)
    deliver(client, text_from(KERRY_NEW_NUMBER, wamid="wamid.from-new-number", offset=700))
    conversation = Conversation.objects.get()
    assert Message.objects.get(message_id="wamid.from-new-number").conversation == conversation
    assert conversation.message_count == 3


@pytest.mark.parametrize("change", CHANGES)
def test_a_late_message_from_the_old_number_lands_in_the_same_conversation(client, change):
    deliver(client, "text__basic")
    deliver(client, change)
    deliver(client, text_from(KERRY, wamid="wamid.late-from-old-number", offset=590, user_id=KERRY_USER_ID))
    conversation = Conversation.objects.get()
    assert conversation.phone_number == KERRY_NEW_NUMBER
    assert Message.objects.get(message_id="wamid.late-from-old-number").conversation == conversation
    # The late message is older than the system message, so it doesn't become the newest.
    assert conversation.last_message.message_id == message_of(change)["id"]


@pytest.mark.parametrize("change", CHANGES)
def test_number_change_after_the_customer_wrote_from_the_new_number_merges_the_conversations(client, change):
    deliver(client, "text__basic")
    deliver(client, text_from(KERRY_NEW_NUMBER, wamid="wamid.early-from-new", offset=650))
    assert Conversation.objects.count() == 2
    deliver(client, change)
    conversation = Conversation.objects.get()
    assert conversation.phone_number == KERRY_NEW_NUMBER
    assert conversation.message_count == 3
    assert conversation.unread_count == 2
    assert conversation.last_message.message_id == "wamid.early-from-new"
    assert set(conversation.messages.values_list("from_number", flat=True)) == {KERRY, KERRY_NEW_NUMBER}
    assert list(FormerNumber.objects.values_list("wa_id", flat=True)) == [KERRY]


@pytest.mark.parametrize("change", CHANGES)
def test_number_change_and_new_number_message_in_one_post(client, change):
    deliver(client, "text__basic")
    value = data(change)
    value["entry"][0]["changes"].append(
        data("text__basic")["entry"][0]["changes"][0]
        | {"value": json_value(text_from(KERRY_NEW_NUMBER, wamid="wamid.same-post", offset=650))}
    )
    deliver(client, wire(value))
    conversation = Conversation.objects.get()
    assert conversation.phone_number == KERRY_NEW_NUMBER
    assert conversation.message_count == 3


def json_value(body: bytes) -> dict:
    import json

    return json.loads(body)["entry"][0]["changes"][0]["value"]


@pytest.mark.parametrize("change", CHANGES)
def test_a_repeated_number_change_changes_nothing_more(client, change):
    deliver(client, "text__basic")
    deliver(client, change)
    deliver(client, change)
    conversation = Conversation.objects.get()
    assert conversation.message_count == 2
    assert FormerNumber.objects.count() == 1


def test_a_number_change_as_the_first_message_starts_the_conversation_on_the_new_number(client):
    deliver(client, "system__user_changed_number")
    conversation = Conversation.objects.get()
    assert conversation.phone_number == KERRY_NEW_NUMBER
    assert conversation.message_count == 1
    assert conversation.unread_count == 0


def test_identity_change_keeps_the_number(client):
    deliver(client, "text__basic")
    deliver(client, "system__customer_identity_changed")
    conversation = Conversation.objects.get()
    assert conversation.phone_number == KERRY
    assert FormerNumber.objects.count() == 0


def test_user_id_change_moves_the_conversation_to_the_new_bsuid(client):
    deliver(client, "text__basic")
    value = data("system__user_changed_number")
    value["entry"][0]["changes"][0]["value"]["messages"][0]["system"] = {
        "body": "Kerry Fisher's user id changed",
        "type": "user_changed_user_id",
        "user_id": "US.77777777777777777777",
    }
    deliver(client, wire(value))
    conversation = Conversation.objects.get()
    assert conversation.user_id == "US.77777777777777777777"
    assert conversation.phone_number == KERRY


def test_a_username_only_thread_merges_when_a_message_links_its_bsuid_to_a_known_number(client):
    deliver(client, text_from("2348031234567", wamid="wamid.number-only", offset=0))
    deliver(client, "bsuid__username_only")
    assert Conversation.objects.count() == 2
    deliver(client, text_from("2348031234567", wamid="wamid.both-ids", offset=1000, user_id=SAM_USER_ID))
    conversation = Conversation.objects.get()
    assert conversation.phone_number == "2348031234567"
    assert conversation.user_id == SAM_USER_ID
    assert conversation.message_count == 3
    assert conversation.unread_count == 3
    assert conversation.last_message.message_id == "wamid.both-ids"
