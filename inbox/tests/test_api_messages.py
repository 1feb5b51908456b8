from datetime import timedelta

import pytest

from inbox.models import Message
from inbox.tests.factories import BASE_TIME, make_conversation, make_message

pytestmark = pytest.mark.django_db

URL = "/api/whatsapp/messages/"

MESSAGE_FIELDS = {
    "id",
    "message_id",
    "direction",
    "from_number",
    "from_name",
    "phone_number_id",
    "conversation",
    "message_type",
    "text_body",
    "media_id",
    "media_mime_type",
    "media_url",
    "media_state",
    "latitude",
    "longitude",
    "location_name",
    "location_address",
    "reply_to",
    "timestamp",
    "status",
    "error_code",
    "error_message",
}


def wamids(response) -> list[str]:
    return [m["message_id"] for m in response.json()["messages"]]


def test_lists_messages_newest_first_with_the_contract_fields(staff_client):
    conversation = make_conversation(phone_number="919876543210", contact_name="John Doe")
    older = make_message(conversation=conversation, timestamp=BASE_TIME, text_body="Hello")
    newer = make_message(conversation=conversation, timestamp=BASE_TIME + timedelta(hours=1))

    response = staff_client.get(URL)

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 2
    assert body["next"] is None
    assert wamids(response) == [newer.message_id, older.message_id]
    first = body["messages"][1]
    assert set(first) == MESSAGE_FIELDS
    assert first == {
        "id": older.pk,
        "message_id": older.message_id,
        "direction": "in",
        "from_number": "919876543210",
        "from_name": "John Doe",
        "phone_number_id": conversation.phone_number_id,
        "conversation": conversation.pk,
        "message_type": "text",
        "text_body": "Hello",
        "media_id": None,
        "media_mime_type": None,
        "media_url": None,
        "media_state": None,
        "latitude": None,
        "longitude": None,
        "location_name": None,
        "location_address": None,
        "reply_to": None,
        "timestamp": "2025-01-15T10:30:00Z",
        "status": "received",
        "error_code": None,
        "error_message": None,
    }


def test_orders_messages_with_the_same_timestamp_by_id(staff_client):
    first = make_message(timestamp=BASE_TIME)
    second = make_message(timestamp=BASE_TIME)

    assert wamids(staff_client.get(URL)) == [second.message_id, first.message_id]


def test_orders_by_meta_timestamp_not_arrival(staff_client):
    late_arrival = make_message(timestamp=BASE_TIME - timedelta(days=1))
    make_message(timestamp=BASE_TIME)

    assert wamids(staff_client.get(URL))[-1] == late_arrival.message_id


def test_reports_location_reply_and_failure_details(staff_client):
    location = make_message(
        message_type="location",
        latitude=12.97,
        longitude=77.59,
        location_name="Office",
        location_address="MG Road",
        reply_to="wamid.ORIGINAL",
    )
    failed = make_message(
        direction=Message.OUTBOUND, status="failed", error_code=131047, error_message="Re-engagement message"
    )

    by_id = {m["message_id"]: m for m in staff_client.get(URL).json()["messages"]}

    assert (by_id[location.message_id]["latitude"], by_id[location.message_id]["longitude"]) == (12.97, 77.59)
    assert by_id[location.message_id]["location_name"] == "Office"
    assert by_id[location.message_id]["location_address"] == "MG Road"
    assert by_id[location.message_id]["reply_to"] == "wamid.ORIGINAL"
    assert by_id[failed.message_id]["direction"] == "out"
    assert by_id[failed.message_id]["from_number"] is None
    assert by_id[failed.message_id]["status"] == "failed"
    assert by_id[failed.message_id]["error_code"] == 131047
    assert by_id[failed.message_id]["error_message"] == "Re-engagement message"


@pytest.mark.parametrize("phone", ["919876543210", "+919876543210", " +91 98765-43210 "])
def test_filters_by_customer_phone_with_or_without_plus(staff_client, phone):
    customer = make_conversation(phone_number="919876543210")
    inbound = make_message(conversation=customer)
    outbound = make_message(conversation=customer, direction=Message.OUTBOUND)
    make_message(conversation=make_conversation(phone_number="441234567890"))

    response = staff_client.get(URL, {"phone": phone})

    assert response.json()["count"] == 2
    assert set(wamids(response)) == {inbound.message_id, outbound.message_id}


def test_phone_filter_finds_messages_sent_from_a_former_number(staff_client):
    moved = make_conversation(phone_number="441111111111")
    old = make_message(conversation=moved, from_number="919876543210")

    assert wamids(staff_client.get(URL, {"phone": "+919876543210"})) == [old.message_id]


def test_filters_by_type_message_id_direction_and_conversation(staff_client):
    customer = make_conversation()
    text = make_message(conversation=customer)
    image = make_message(conversation=customer, message_type="image", media_id="m1", media_state="pending")
    reply = make_message(conversation=customer, direction=Message.OUTBOUND)
    elsewhere = make_message()

    assert wamids(staff_client.get(URL, {"type": "image"})) == [image.message_id]
    assert wamids(staff_client.get(URL, {"message_id": text.message_id})) == [text.message_id]
    assert wamids(staff_client.get(URL, {"direction": "out"})) == [reply.message_id]
    assert elsewhere.message_id not in wamids(staff_client.get(URL, {"conversation": customer.pk}))
    assert staff_client.get(URL, {"conversation": customer.pk}).json()["count"] == 3
    combined = staff_client.get(URL, {"conversation": customer.pk, "direction": "in", "type": "text"})
    assert wamids(combined) == [text.message_id]


def test_ignores_empty_parameters_as_the_original_app_did(staff_client):
    make_message()

    response = staff_client.get(URL, {"phone": "", "type": "", "limit": ""})

    assert response.status_code == 200
    assert response.json()["count"] == 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "abc"}, "limit"),
        ({"limit": "0"}, "limit"),
        ({"limit": "-5"}, "limit"),
        ({"direction": "x"}, "direction"),
        ({"conversation": "abc"}, "conversation"),
        ({"before": "yesterday"}, "before"),
        ({"phone": "+"}, "phone"),
    ],
)
def test_rejects_bad_parameters_with_a_json_error(staff_client, params, field):
    response = staff_client.get(URL, params)

    assert response.status_code == 400
    body = response.json()
    assert field in body["details"]
    assert body["error"].startswith(f"{field}: ")


def test_limit_defaults_to_50_and_is_capped_at_500(staff_client):
    conversation = make_conversation()
    Message.objects.bulk_create(
        Message(
            conversation=conversation,
            phone_number_id=conversation.phone_number_id,
            message_id=f"wamid.BULK{n}",
            message_type="text",
            timestamp=BASE_TIME + timedelta(seconds=n),
        )
        for n in range(501)
    )

    default = staff_client.get(URL).json()
    capped = staff_client.get(URL, {"limit": 1000}).json()

    assert (default["count"], len(default["messages"])) == (501, 50)
    assert (capped["count"], len(capped["messages"])) == (501, 500)
    assert "limit=1000" in capped["next"]


def test_next_links_page_through_everything_once_while_messages_arrive(staff_client):
    conversation = make_conversation()
    made = [make_message(conversation=conversation, timestamp=BASE_TIME + timedelta(minutes=n)) for n in range(7)]
    # Two messages with the same timestamp straddle a page boundary.
    made.append(make_message(conversation=conversation, timestamp=made[3].timestamp))

    first = staff_client.get(URL, {"limit": 3, "conversation": conversation.pk}).json()
    make_message(conversation=conversation, timestamp=BASE_TIME + timedelta(days=1))
    seen = [m["message_id"] for m in first["messages"]]
    link = first["next"]
    while link:
        page = staff_client.get(link).json()
        assert page["count"] == 9
        seen += [m["message_id"] for m in page["messages"]]
        link = page["next"]

    expected = sorted(made, key=lambda m: (m.timestamp, m.pk), reverse=True)
    assert seen == [m.message_id for m in expected]
