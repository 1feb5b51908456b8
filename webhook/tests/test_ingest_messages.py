"""Every inbound message type, delivered through the endpoint, is stored once with the fields
the inbox and the API show, in the conversation of the customer who sent it."""

from datetime import UTC, datetime
from unittest import mock

import pytest

from inbox import statuses
from inbox.models import Conversation, Message
from webhook.tests.deliveries import (
    AMELIE,
    BUSINESS_NUMBER_ID,
    KERRY,
    KERRY_USER_ID,
    SAM_USER_ID,
    data,
    deliver,
    message_of,
    names,
    wire,
)

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
BUSINESS_WAMID = message_of("interactive__button_reply")["context"]["id"]
MEDIA = {
    "image__caption": ("1187532415982253", "image/jpeg", "kmrJ8uZ1JW/yTnHuJ+kZIBC0kUkfk3DENS5pJY6ZiwQ=", ""),
    "video__caption": ("1293045767584931", "video/mp4", "Jh+2ij6PzUv/J2y+grrtegr/ZMzRxkEPwc24Oyib4s03w9Jc=", ""),
    "audio__voice": ("1062938475629184", "audio/ogg; codecs=opus", "m04pFf2ERdaopTyFkGPA0+bX3i+YY2dYgVFwOgDLSDI=", ""),
    "audio__file": ("1062938475629185", "audio/mpeg", "E3dxS/PdYZE7ppA3pQ4mpCFaXBJ8pX4SRN/dsfvds/iPGA=", ""),
    "document__filename_caption": (
        "3938475610293847",
        "application/pdf",
        "grwfwe/ZPx0wAbdfbdeFUNItPZ0RylL8gGUvdt3YFqc18SY=",
        "Facture n°2026-031 (copie).pdf",
    ),
    "sticker__animated": ("1726354490817263", "image/webp", "HcwyCKrTKXHk0a00ms4HWIA76GY0Du6q4Z/iuwevw1U=", ""),
}
# fixture → (message_type, text_body, reply_to, error_code)
EXPECTED = {
    "text__basic": ("text", "Hi, my order #1042 hasn't arrived yet. Can you check?", None, None),
    "text__html": ("text", "<img src=x onerror=alert(1)> & <b>bold</b> \"quoted\"", None, None),
    "text__no_profile_name": ("text", "Hello?", None, None),
    "image__caption": ("image", "The box arrived damaged \U0001f61e", None, None),
    "video__caption": ("video", "Unboxing", None, None),
    "audio__voice": ("audio", None, None, None),
    "audio__file": ("audio", None, None, None),
    "document__filename_caption": ("document", "Invoice for March", None, None),
    "sticker__animated": ("sticker", None, None, None),
    "location__current": ("location", None, None, None),
    "location__named_place": ("location", None, None, None),
    "contacts__several_cards": ("contacts", None, None, None),
    "interactive__button_reply": ("interactive", "Yes, deliver", BUSINESS_WAMID, None),
    "interactive__list_reply": ("interactive", "Tuesday morning", BUSINESS_WAMID, None),
    "interactive__nfm_reply": ("interactive", None, BUSINESS_WAMID, None),
    "button__template_quick_reply": (
        "button",
        "Stop promotions",
        message_of("button__template_quick_reply")["context"]["id"],
        None,
    ),
    "reaction__add": ("reaction", "\U0001f44d", BUSINESS_WAMID, None),
    "reaction__removed_emoji_omitted": ("reaction", None, BUSINESS_WAMID, None),
    "reaction__removed_emoji_empty": ("reaction", None, BUSINESS_WAMID, None),
    "order__product_items": ("order", "Please deliver after 6pm", None, None),
    "system__customer_identity_changed": ("system", "Kerry Fisher's security code changed.", None, None),
    "unsupported__edit": ("unsupported", None, None, 131051),
    "request_welcome__basic": ("request_welcome", None, None, None),
    "poll__future_type": ("poll", None, None, None),
    "errors__message_missing_content": ("interactive", None, None, 131000),
    "context__reply_to": ("text", "Yes, that one", message_of("text__basic")["id"], None),
    "context__forwarded": ("text", "Look at this deal", None, None),
    "context__frequently_forwarded": ("text", "Share with 10 friends!", None, None),
    "context__referred_product": (
        "text",
        "Is this available in blue?",
        message_of("context__referred_product")["context"]["id"],
        None,
    ),
    "referral__click_to_whatsapp_ad": ("text", "Hi! Is the winter sale still on?", None, None),
}


def stored(name: str) -> Message:
    return Message.objects.get(message_id=message_of(name)["id"])


def test_every_single_message_fixture_has_an_expectation():
    single = {n for n in names() if len(messages_in(n)) == 1}
    assert single - set(EXPECTED) == {
        "bsuid__username_only",
        "system__customer_changed_number",
        "system__user_changed_number",
        "text__control_characters",
        "text__emoji_and_accents",
    }


def messages_in(name: str) -> list[dict]:
    return [
        m
        for entry in data(name).get("entry", [])
        for change in entry.get("changes", [])
        for m in (change.get("value") or {}).get("messages", [])
    ]


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_stores_each_message_type_with_its_fields(client, name):
    deliver(client, name)
    message = stored(name)
    raw = message_of(name)
    message_type, text_body, reply_to, error_code = EXPECTED[name]
    assert message.message_type == message_type
    assert message.text_body == text_body
    assert message.reply_to == reply_to
    assert message.error_code == error_code
    assert message.direction == Message.INBOUND
    assert message.status == statuses.RECEIVED
    assert message.phone_number_id == BUSINESS_NUMBER_ID
    assert message.from_number == KERRY
    assert message.from_user_id == raw.get("from_user_id")
    assert message.timestamp == datetime.fromtimestamp(int(raw["timestamp"]), UTC)
    assert message.payload == raw
    assert message.conversation.phone_number == KERRY


@pytest.mark.parametrize("name", sorted(MEDIA))
def test_media_messages_are_stored_pending_download(client, name):
    deliver(client, name)
    message = stored(name)
    media_id, mime_type, sha256, filename = MEDIA[name]
    assert (message.media_id, message.media_mime_type, message.media_sha256, message.media_filename) == (
        media_id,
        mime_type,
        sha256,
        filename,
    )
    assert message.media_state == Message.MEDIA_PENDING
    assert not message.media_file


@pytest.mark.parametrize("name", sorted(set(EXPECTED) - set(MEDIA)))
def test_messages_without_media_have_no_media_state(client, name):
    deliver(client, name)
    message = stored(name)
    assert message.media_id is None
    assert message.media_state == Message.MEDIA_NONE


def test_media_download_is_queued_after_commit(client, django_capture_on_commit_callbacks):
    from django_tasks_db.models import DBTaskResult

    with django_capture_on_commit_callbacks(execute=True):
        deliver(client, "image__caption")
    message = stored("image__caption")
    task = DBTaskResult.objects.get()
    assert task.task_path == "inbox.tasks.download_media"
    assert task.args_kwargs["args"] == [message.pk]


def test_stores_a_named_place(client):
    deliver(client, "location__named_place")
    message = stored("location__named_place")
    assert (message.latitude, message.longitude) == (37.4611978, -122.2164385)
    assert message.location_name == "Meta Headquarters"
    assert message.location_address == "1 Hacker Way, Menlo Park, CA 94025"


def test_stores_a_current_location_with_coordinates_only(client):
    deliver(client, "location__current")
    message = stored("location__current")
    assert (message.latitude, message.longitude) == (37.4847483, -122.1473105)
    assert message.location_name == "" and message.location_address == ""


def test_stores_forwarding_flags(client):
    deliver(client, "context__forwarded")
    deliver(client, "context__frequently_forwarded")
    assert (stored("context__forwarded").forwarded, stored("context__forwarded").frequently_forwarded) == (True, False)
    frequently = stored("context__frequently_forwarded")
    assert (frequently.forwarded, frequently.frequently_forwarded) == (True, True)


def test_stores_the_error_of_an_unsupported_message(client):
    deliver(client, "unsupported__edit")
    message = stored("unsupported__edit")
    assert message.error_message == "Message type unknown: Message type is currently not supported."
    assert message.payload["unsupported"] == {"type": "edit"}


def test_stores_emoji_and_accents_decoded(client):
    deliver(client, "text__emoji_and_accents")
    message = stored("text__emoji_and_accents")
    assert message.text_body.startswith("Merci beaucoup ! Café crème, naïve façade, Łódź, 日本語 \U0001f600")
    assert message.from_name == "Amélie Dubois \U0001f338"
    assert message.conversation.contact_name == "Amélie Dubois \U0001f338"
    assert message.conversation.phone_number == AMELIE


def test_stores_text_with_nul_replaced_and_other_control_characters_kept(client):
    deliver(client, "text__control_characters")
    message = stored("text__control_characters")
    assert message.text_body == "line one\nline two\ttab\ufffdafter nul\u0007bell\u001b[31mred\u001b[0m \u2028end \ufffd"
    assert message.payload["text"]["body"] == message.text_body


def test_stores_html_as_plain_text_and_the_name_untouched(client):
    deliver(client, "text__html")
    message = stored("text__html")
    assert message.text_body == "<img src=x onerror=alert(1)> & <b>bold</b> \"quoted\""
    assert message.conversation.contact_name == "<script>alert('name')</script>"


def test_a_contact_without_a_profile_name_leaves_the_known_name(client):
    deliver(client, "text__basic")
    deliver(client, "text__no_profile_name")
    assert stored("text__no_profile_name").from_name == ""
    assert Conversation.objects.get().contact_name == "Kerry Fisher"


def test_a_new_profile_name_updates_the_conversation(client):
    deliver(client, "text__basic")
    value = data("context__reply_to")
    value["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = "Kerry F."
    deliver(client, wire(value))
    assert Conversation.objects.get().contact_name == "Kerry F."


def test_profile_names_are_matched_to_messages_by_wa_id_not_position(client):
    value = data("batch__two_business_numbers")
    first = value["entry"][0]["changes"][0]["value"]
    second_message = {**first["messages"][0], "id": "wamid.second-sender", "from": AMELIE, "from_user_id": "GB.1"}
    first["messages"].append(second_message)
    first["contacts"] = [
        {"profile": {"name": "Amélie Dubois"}, "wa_id": AMELIE, "user_id": "GB.1"},
        {"profile": {"name": "Kerry Fisher"}, "wa_id": KERRY, "user_id": KERRY_USER_ID},
    ]
    deliver(client, wire(value))
    kerry = Conversation.objects.get(phone_number_id=BUSINESS_NUMBER_ID, phone_number=KERRY)
    amelie = Conversation.objects.get(phone_number=AMELIE)
    assert kerry.contact_name == "Kerry Fisher"
    assert amelie.contact_name == "Amélie Dubois"
    assert Message.objects.get(message_id="wamid.second-sender").from_name == "Amélie Dubois"


def test_username_only_sender_gets_a_conversation_keyed_by_bsuid(client):
    deliver(client, "bsuid__username_only")
    conversation = Conversation.objects.get()
    assert conversation.phone_number is None
    assert conversation.user_id == SAM_USER_ID
    assert conversation.contact_name == "Sam Okafor"
    message = stored("bsuid__username_only")
    assert message.from_number is None
    assert message.from_user_id == SAM_USER_ID
    assert message.conversation == conversation


def test_a_later_message_with_number_and_bsuid_joins_the_username_only_conversation(client):
    deliver(client, "bsuid__username_only")
    value = data("text__basic")
    message = value["entry"][0]["changes"][0]["value"]["messages"][0]
    message["from"], message["from_user_id"] = "2348031234567", SAM_USER_ID
    value["entry"][0]["changes"][0]["value"]["contacts"] = [
        {"profile": {"name": "Sam Okafor"}, "wa_id": "2348031234567", "user_id": SAM_USER_ID}
    ]
    deliver(client, wire(value))
    conversation = Conversation.objects.get()
    assert conversation.phone_number == "2348031234567"
    assert conversation.user_id == SAM_USER_ID
    assert conversation.message_count == 2
    assert conversation.unread_count == 2


def test_a_later_username_only_message_finds_the_conversation_by_bsuid(client):
    deliver(client, "text__basic")
    value = data("bsuid__username_only")
    value["entry"][0]["changes"][0]["value"]["messages"][0]["from_user_id"] = KERRY_USER_ID
    value["entry"][0]["changes"][0]["value"]["contacts"][0]["user_id"] = KERRY_USER_ID
    deliver(client, wire(value))
    conversation = Conversation.objects.get()
    assert conversation.phone_number == KERRY
    assert conversation.message_count == 2


def test_messages_from_one_customer_to_two_business_numbers_are_two_conversations(client):
    deliver(client, "batch__two_business_numbers")
    conversations = Conversation.objects.order_by("phone_number_id")
    assert [(c.phone_number_id, c.phone_number, c.message_count) for c in conversations] == [
        (BUSINESS_NUMBER_ID, KERRY, 1),
        ("114433982109876", KERRY, 1),
    ]


@pytest.mark.parametrize(
    "name, unread",
    [
        ("text__basic", 1),
        ("image__caption", 1),
        ("unsupported__edit", 1),
        ("poll__future_type", 1),
        ("reaction__add", 0),
        ("request_welcome__basic", 0),
        ("system__customer_identity_changed", 0),
    ],
)
def test_counts_messages_and_unread_messages_by_type(client, name, unread):
    deliver(client, name)
    conversation = Conversation.objects.get()
    message = stored(name)
    assert conversation.message_count == 1
    assert conversation.unread_count == unread
    assert conversation.last_message_at == message.timestamp
    assert conversation.last_message == message


def test_a_system_message_does_not_open_the_customer_service_window(client):
    deliver(client, "system__customer_identity_changed")
    assert Conversation.objects.get().last_inbound_at is None
    deliver(client, "text__basic")
    assert Conversation.objects.get().last_inbound_at == T0


def test_a_new_profile_name_redraws_the_contact_panel_live(client, django_capture_on_commit_callbacks):
    deliver(client, "text__basic")
    value = data("text__basic")
    value["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = "A New Name"
    value["entry"][0]["changes"][0]["value"]["messages"][0]["id"] = "wamid.RENAMED"
    with mock.patch("inbox.frames.render_frames", return_value=["<p>frame</p>"]) as render:
        with django_capture_on_commit_callbacks(execute=True):
            deliver(client, wire(value))
    conversation = Conversation.objects.get()
    assert conversation.contact_name == "A New Name"
    assert [conversation.pk] in [call.args[0].contacts for call in render.call_args_list]


def test_a_late_retry_of_an_older_message_does_not_bring_back_an_older_profile_name(client):
    newer = data("text__basic")
    newer_value = newer["entry"][0]["changes"][0]["value"]
    newer_value["contacts"][0]["profile"]["name"] = "Kerry F."
    deliver(client, wire(newer))
    # Meta retries for up to a week: a message sent six days earlier, under the old name.
    older = data("context__reply_to")
    value = older["entry"][0]["changes"][0]["value"]
    value["contacts"][0]["profile"]["name"] = "Kerry Fisher"
    value["messages"][0]["timestamp"] = str(int(newer_value["messages"][0]["timestamp"]) - 6 * 86400)
    deliver(client, wire(older))
    conversation = Conversation.objects.get()
    assert conversation.contact_name == "Kerry F."
    assert conversation.message_count == 2
    assert stored("context__reply_to").from_name == "Kerry Fisher"
