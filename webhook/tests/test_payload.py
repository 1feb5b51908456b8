"""webhook.payload turns Meta's JSON into typed events: every fixture parses, and each message
type yields the fields the inbox stores (text_body as defined under "API fields" in the design:
text body, media caption, chosen button/list title, template button text, reaction emoji,
order text, system body; otherwise None)."""

from datetime import UTC, datetime

import pytest

from webhook import payload
from webhook.tests.deliveries import (
    AMELIE,
    BUSINESS_NUMBER_ID,
    KERRY,
    KERRY_NEW_NUMBER,
    KERRY_USER_ID,
    SAM_USER_ID,
    SECOND_BUSINESS_NUMBER_ID,
    data,
    load,
    message_of,
    names,
    wire,
)


def only_message(name: str) -> payload.InboundMessage:
    parsed = payload.parse(load(name))
    assert parsed.statuses == []
    (message,) = parsed.messages
    return message


@pytest.mark.parametrize("name", names())
def test_every_fixture_parses(name):
    parsed = payload.parse(load(name))
    assert parsed.messages or parsed.statuses or parsed.ignored


@pytest.mark.parametrize("name", names())
def test_every_message_keeps_its_identity_and_raw_json(name):
    for message in payload.parse(load(name)).messages:
        assert message.message_id.startswith("wamid.")
        assert message.phone_number_id in (BUSINESS_NUMBER_ID, SECOND_BUSINESS_NUMBER_ID)
        assert message.timestamp is not None and message.timestamp.tzinfo is UTC
        assert message.from_number or message.from_user_id
        assert message.raw["id"] == message.message_id


def test_parses_from_the_raw_bytes_a_str_or_a_dict_alike():
    body = load("text__emoji_and_accents")
    assert payload.parse(body) == payload.parse(body.decode()) == payload.parse(data("text__emoji_and_accents"))


def test_text_message():
    message = only_message("text__basic")
    assert message.message_type == "text"
    assert message.text_body == "Hi, my order #1042 hasn't arrived yet. Can you check?"
    assert message.from_number == KERRY
    assert message.from_user_id == KERRY_USER_ID
    assert message.from_name == "Kerry Fisher"
    assert message.timestamp == datetime(2026, 11, 27, 8, 0, tzinfo=UTC)
    assert message.message_id == message_of("text__basic")["id"]
    assert message.media is None and message.location is None and message.number_change is None
    assert message.reply_to is None and not message.forwarded
    assert message.error_code is None and message.error_message == ""


def test_text_with_emoji_and_accents_is_decoded_from_its_escapes():
    message = only_message("text__emoji_and_accents")
    assert message.text_body == (
        "Merci beaucoup ! Café crème, naïve façade, Łódź, 日本語 \U0001f600\U0001f44d\U0001f3fd \u2764\ufe0f"
    )
    assert message.from_name == "Amélie Dubois \U0001f338"
    assert message.from_number == AMELIE


def test_nul_and_lone_surrogates_become_replacement_characters_and_other_controls_stay():
    message = only_message("text__control_characters")
    assert message.text_body == "line one\nline two\ttab\ufffdafter nul\u0007bell\u001b[31mred\u001b[0m \u2028end \ufffd"
    assert message.raw["text"]["body"] == message.text_body
    message.text_body.encode("utf-8")


def test_html_is_kept_as_text_not_interpreted():
    message = only_message("text__html")
    assert message.text_body == "<img src=x onerror=alert(1)> & <b>bold</b> \"quoted\""
    assert message.from_name == "<script>alert('name')</script>"


def test_a_contact_without_a_profile_name_gives_an_empty_name():
    message = only_message("text__no_profile_name")
    assert message.from_name == ""
    assert message.text_body == "Hello?"


def test_image_with_caption_and_url():
    message = only_message("image__caption")
    assert message.message_type == "image"
    assert message.text_body == "The box arrived damaged \U0001f61e"
    assert message.media == payload.Media(
        id="1187532415982253",
        mime_type="image/jpeg",
        sha256="kmrJ8uZ1JW/yTnHuJ+kZIBC0kUkfk3DENS5pJY6ZiwQ=",
        url="https://lookaside.fbsbx.com/whatsapp_business/attachments/?mid=1187532415982253"
        "&ext=1795766700&hash=ATuTPd2OFxuhLnmDaQ6C5s3Ei7yWgbbUYf9WUsm2_BaW5A",
    )


def test_video_with_caption():
    message = only_message("video__caption")
    assert message.text_body == "Unboxing"
    assert message.media.id == "1293045767584931"
    assert message.media.mime_type == "video/mp4"


def test_voice_note_is_audio_marked_voice():
    message = only_message("audio__voice")
    assert message.message_type == "audio"
    assert message.text_body is None
    assert message.media.voice is True
    assert message.media.mime_type == "audio/ogg; codecs=opus"


def test_plain_audio_file_is_not_a_voice_note():
    message = only_message("audio__file")
    assert message.media.voice is False
    assert message.media.mime_type == "audio/mpeg"
    assert message.text_body is None


def test_document_keeps_filename_and_caption():
    message = only_message("document__filename_caption")
    assert message.text_body == "Invoice for March"
    assert message.media.filename == "Facture n°2026-031 (copie).pdf"
    assert message.media.mime_type == "application/pdf"


def test_animated_sticker():
    message = only_message("sticker__animated")
    assert message.media.animated is True
    assert message.media.mime_type == "image/webp"
    assert message.text_body is None


def test_current_location_has_only_coordinates():
    message = only_message("location__current")
    assert message.location == payload.Location(latitude=37.4847483, longitude=-122.1473105)
    assert message.text_body is None


def test_named_place_keeps_name_and_address():
    message = only_message("location__named_place")
    assert message.location == payload.Location(
        latitude=37.4611978,
        longitude=-122.2164385,
        name="Meta Headquarters",
        address="1 Hacker Way, Menlo Park, CA 94025",
    )
    assert message.text_body is None


def test_shared_contact_cards_are_kept_in_the_raw_json():
    message = only_message("contacts__several_cards")
    assert message.message_type == "contacts"
    assert message.text_body is None
    cards = message.raw["contacts"]
    assert [card["name"]["formatted_name"] for card in cards] == ["Jordan Lee", "Zoë Ærøskøbing", "Reception"]
    # The message's own contact cards are not the sender's profile.
    assert message.from_name == "Kerry Fisher"


def test_button_reply_gives_the_chosen_title_and_the_message_replied_to():
    message = only_message("interactive__button_reply")
    assert message.text_body == "Yes, deliver"
    assert message.reply_to == message_of("interactive__button_reply")["context"]["id"]


def test_list_reply_gives_the_chosen_title():
    assert only_message("interactive__list_reply").text_body == "Tuesday morning"


def test_flow_reply_has_no_readable_text_and_keeps_its_response_json_string():
    message = only_message("interactive__nfm_reply")
    assert message.text_body is None
    response_json = message.raw["interactive"]["nfm_reply"]["response_json"]
    assert isinstance(response_json, str)
    assert '"flow_token":"AQAAAAACS5FpgQ_cAAAAAD0QI3s."' in response_json


def test_template_quick_reply_gives_the_button_text():
    message = only_message("button__template_quick_reply")
    assert message.message_type == "button"
    assert message.text_body == "Stop promotions"
    assert message.reply_to == message_of("button__template_quick_reply")["context"]["id"]


def test_reaction_gives_the_emoji_and_the_message_reacted_to():
    message = only_message("reaction__add")
    assert message.text_body == "\U0001f44d"
    assert message.reply_to == message_of("reaction__add")["reaction"]["message_id"]


@pytest.mark.parametrize("name", ["reaction__removed_emoji_omitted", "reaction__removed_emoji_empty"])
def test_reaction_removal_has_no_emoji_in_either_shape(name):
    message = only_message(name)
    assert message.text_body is None
    assert message.reply_to == message_of(name)["reaction"]["message_id"]


def test_order_gives_its_text_and_keeps_the_items():
    message = only_message("order__product_items")
    assert message.text_body == "Please deliver after 6pm"
    assert [item["product_retailer_id"] for item in message.raw["order"]["product_items"]] == ["SKU-1042", "SKU-2210"]


def test_user_changed_number_names_the_new_wa_id():
    message = only_message("system__user_changed_number")
    assert message.message_type == "system"
    assert message.text_body == f"User Kerry Fisher changed from {KERRY} to {KERRY_NEW_NUMBER}"
    assert message.number_change == payload.NumberChange(old_wa_id=KERRY, new_wa_id=KERRY_NEW_NUMBER, new_user_id=None)
    assert message.from_name == ""


def test_customer_changed_number_in_the_older_shape_names_the_new_wa_id():
    message = only_message("system__customer_changed_number")
    assert message.number_change == payload.NumberChange(old_wa_id=KERRY, new_wa_id=KERRY_NEW_NUMBER, new_user_id=None)
    assert message.text_body == f"Kerry Fisher changed from {KERRY} to {KERRY_NEW_NUMBER}"


def test_user_changed_user_id_names_the_new_bsuid():
    value = data("system__user_changed_number")
    value["entry"][0]["changes"][0]["value"]["messages"][0]["system"] = {
        "body": "User changed their user id",
        "type": "user_changed_user_id",
        "user_id": "US.99999999999999999999",
    }
    (message,) = payload.parse(wire(value)).messages
    assert message.number_change == payload.NumberChange(
        old_wa_id=None, new_wa_id=None, new_user_id="US.99999999999999999999"
    )


def test_identity_change_is_a_system_message_without_a_number_change():
    message = only_message("system__customer_identity_changed")
    assert message.text_body == "Kerry Fisher's security code changed."
    assert message.number_change is None


def test_unsupported_message_keeps_its_subtype_and_error():
    message = only_message("unsupported__edit")
    assert message.message_type == "unsupported"
    assert message.text_body is None
    assert message.error_code == 131051
    assert message.error_message == "Message type unknown: Message type is currently not supported."
    assert message.raw["unsupported"] == {"type": "edit"}


def test_request_welcome_has_no_body():
    message = only_message("request_welcome__basic")
    assert message.message_type == "request_welcome"
    assert message.text_body is None
    assert message.from_name == "Kerry Fisher"


def test_a_future_message_type_is_kept_with_its_type_and_json():
    message = only_message("poll__future_type")
    assert message.message_type == "poll"
    assert message.text_body is None
    assert message.raw["poll"]["question"] == "Which delivery day suits you?"


def test_a_message_missing_its_content_takes_the_error_beside_it():
    message = only_message("errors__message_missing_content")
    assert message.message_type == "interactive"
    assert message.text_body is None
    assert message.error_code == 131000
    assert message.error_message == "Something went wrong: Message failed to be processed. Please try again."


def test_a_value_with_only_errors_is_ignored_with_the_error_as_reason():
    parsed = payload.parse(load("errors__value_only"))
    assert parsed.messages == [] and parsed.statuses == []
    (ignored,) = parsed.ignored
    assert ignored.field == "messages"
    assert "131000" in ignored.reason


def test_reply_context_names_the_message_replied_to():
    message = only_message("context__reply_to")
    assert message.reply_to == message_of("text__basic")["id"]
    assert not message.forwarded


def test_forwarded_message():
    message = only_message("context__forwarded")
    assert message.forwarded is True
    assert message.frequently_forwarded is False
    assert message.reply_to is None


def test_frequently_forwarded_message_is_also_forwarded():
    message = only_message("context__frequently_forwarded")
    assert message.forwarded is True
    assert message.frequently_forwarded is True


def test_question_about_a_product_keeps_the_referred_product():
    message = only_message("context__referred_product")
    assert message.text_body == "Is this available in blue?"
    assert message.raw["context"]["referred_product"]["product_retailer_id"] == "SKU-1042"


def test_click_to_whatsapp_ad_referral_is_kept_in_the_raw_json():
    message = only_message("referral__click_to_whatsapp_ad")
    assert message.text_body == "Hi! Is the winter sale still on?"
    assert message.raw["referral"]["source_type"] == "ad"
    assert message.raw["referral"]["source_url"] == "https://fb.me/3cr4Wqqkv"


def test_username_only_sender_has_a_bsuid_and_no_number():
    message = only_message("bsuid__username_only")
    assert message.from_number is None
    assert message.from_user_id == SAM_USER_ID
    assert message.from_name == "Sam Okafor"


def test_username_stands_in_for_a_missing_profile_name():
    value = data("bsuid__username_only")
    del value["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"]
    (message,) = payload.parse(wire(value)).messages
    assert message.from_name == "samokafor"


def test_profile_names_are_matched_by_wa_id_not_by_position():
    value = data("batch__entries_changes_messages_statuses")
    amelie_value = value["entry"][1]["changes"][0]["value"]
    amelie_value["contacts"].insert(0, {"profile": {"name": "Somebody Else"}, "wa_id": "15550000000"})
    amelie_value["messages"].insert(0, {**amelie_value["messages"][0], "id": "wamid.other", "from": "15550000000",
                                        "from_user_id": "US.1"})
    amelie_value["contacts"].reverse()
    names_by_sender = {m.from_number: m.from_name for m in payload.parse(wire(value)).messages}
    assert names_by_sender[AMELIE] == "Amélie Dubois"
    assert names_by_sender["15550000000"] == "Somebody Else"
    assert names_by_sender[KERRY] == "Kerry Fisher"


def test_a_message_without_any_sender_id_is_ignored_not_raised():
    value = data("text__basic")
    message = value["entry"][0]["changes"][0]["value"]["messages"][0]
    del message["from"], message["from_user_id"]
    parsed = payload.parse(wire(value))
    assert parsed.messages == []
    assert parsed.ignored
