"""webhook.payload on the envelope: statuses, batches of entries and changes, several business
numbers in one POST, fields and objects the inbox ignores, and malformed shapes that must never
raise."""

import pytest

from webhook import payload
from webhook.tests.deliveries import (
    BUSINESS_NUMBER_ID,
    KERRY,
    OUTBOUND_FAILED_WAMID,
    OUTBOUND_TO_USERNAME_WAMID,
    OUTBOUND_VOICE_WAMID,
    OUTBOUND_WAMID,
    SAM_USER_ID,
    SECOND_BUSINESS_NUMBER_ID,
    load,
)


def only_status(name: str) -> payload.StatusUpdate:
    parsed = payload.parse(load(name))
    assert parsed.messages == []
    (status,) = parsed.statuses
    return status


@pytest.mark.parametrize("status", ["sent", "delivered", "read"])
def test_delivery_statuses(status):
    update = only_status(f"status__{status}")
    assert update.message_id == OUTBOUND_WAMID
    assert update.status == status
    assert update.recipient_number == KERRY
    assert update.phone_number_id == BUSINESS_NUMBER_ID
    assert update.error_code is None and update.error_message == ""


def test_played_status_of_a_voice_note():
    assert only_status("status__played").status == "played"


def test_failed_status_carries_the_error():
    update = only_status("status__failed")
    assert update.message_id == OUTBOUND_FAILED_WAMID
    assert update.status == "failed"
    assert update.error_code == 131047
    assert update.error_message.startswith("Re-engagement message: Message failed to send because more than 24 hours")


def test_unknown_status_value_is_kept_as_sent():
    update = only_status("status__unknown_deleted")
    assert update.status == "deleted"


def test_status_to_a_username_names_the_bsuid_as_recipient():
    update = only_status("status__recipient_user_id_only")
    assert update.message_id == OUTBOUND_TO_USERNAME_WAMID
    assert update.recipient_number == SAM_USER_ID


def test_every_message_and_status_of_a_batch_is_visited():
    parsed = payload.parse(load("batch__entries_changes_messages_statuses"))
    assert [m.text_body for m in parsed.messages] == [
        "First of two",
        "Second of two",
        "Bonjour à tous",
        None,
        "And one more",
    ]
    assert [(s.message_id, s.status) for s in parsed.statuses] == [
        (OUTBOUND_WAMID, "delivered"),
        (OUTBOUND_VOICE_WAMID, "read"),
        (OUTBOUND_FAILED_WAMID, "sent"),
    ]


def test_a_post_for_two_business_numbers_keeps_each_message_on_its_number():
    parsed = payload.parse(load("batch__two_business_numbers"))
    assert [(m.phone_number_id, m.text_body) for m in parsed.messages] == [
        (BUSINESS_NUMBER_ID, "Hi sales"),
        (SECOND_BUSINESS_NUMBER_ID, "Hi support"),
    ]


@pytest.mark.parametrize(
    "name", ["field__message_template_status_update", "field__account_update", "field__user_preferences"]
)
def test_other_fields_are_ignored_by_name(name):
    parsed = payload.parse(load(name))
    assert parsed.messages == [] and parsed.statuses == []
    assert [i.field for i in parsed.ignored] == [name.removeprefix("field__")]


def test_other_objects_are_ignored():
    parsed = payload.parse(load("object__page"))
    assert parsed.messages == [] and parsed.statuses == []
    assert "page" in parsed.ignored[0].reason


@pytest.mark.parametrize(
    "body",
    [
        b"[]",
        b"null",
        b'{"object":"whatsapp_business_account"}',
        b'{"object":"whatsapp_business_account","entry":[null,1,"x",{"changes":"nope"}]}',
        b'{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":[]}]}]}',
        b'{"object":"whatsapp_business_account","entry":[{"changes":[{"field":"messages","value":{"metadata":'
        b'{"phone_number_id":"1"},"messages":[null,{"id":"wamid.x","from":"1","type":"image","image":"nope",'
        b'"timestamp":"soon","context":[]}],"statuses":[{"id":"wamid.y"},{"status":"read"}]}}]}]}',
    ],
)
def test_malformed_shapes_become_ignored_items_or_tolerant_events_never_exceptions(body):
    payload.parse(body)


def test_a_timestamp_that_is_not_unix_seconds_is_left_for_the_caller_to_fill():
    body = load("text__basic").replace(b'"timestamp":"1795766400"', b'"timestamp":"soon"')
    (message,) = payload.parse(body).messages
    assert message.timestamp is None
