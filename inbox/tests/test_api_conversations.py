from datetime import timedelta

import pytest
from django.utils import timezone

from inbox.models import FormerNumber, Message
from inbox.tests.factories import BASE_TIME, make_conversation, make_message

pytestmark = pytest.mark.django_db

URL = "/api/whatsapp/conversations/"

CONVERSATION_FIELDS = {
    "id",
    "phone_number",
    "user_id",
    "contact_name",
    "phone_number_id",
    "message_count",
    "unread_count",
    "last_message_at",
    "customer_email",
    "notes",
    "messages",
}


def with_messages(n: int, **overrides) -> tuple:
    """A conversation with `n` messages a minute apart and counters to match."""
    conversation = make_conversation(**overrides)
    start = overrides.get("last_message_at") or BASE_TIME
    made = [
        make_message(conversation=conversation, timestamp=start - timedelta(minutes=n - 1 - i)) for i in range(n)
    ]
    conversation.message_count = n
    conversation.last_message_at = made[-1].timestamp if made else None
    conversation.save()
    return conversation, made


def ids(response) -> list[int]:
    return [c["id"] for c in response.json()["conversations"]]


def test_lists_conversations_with_the_contract_fields(staff_client):
    conversation, _ = with_messages(
        2,
        phone_number="919876543210",
        contact_name="John Doe",
        customer_email="john@example.com",
        notes="VIP customer",
        unread_count=1,
    )

    body = staff_client.get(URL).json()

    assert body["count"] == 1
    assert body["next"] is None
    row = body["conversations"][0]
    assert set(row) == CONVERSATION_FIELDS
    assert {k: v for k, v in row.items() if k != "messages"} == {
        "id": conversation.pk,
        "phone_number": "919876543210",
        "user_id": None,
        "contact_name": "John Doe",
        "phone_number_id": conversation.phone_number_id,
        "message_count": 2,
        "unread_count": 1,
        "last_message_at": "2025-01-15T10:30:00Z",
        "customer_email": "john@example.com",
        "notes": "VIP customer",
    }


def test_each_conversation_carries_its_last_ten_messages_newest_first(staff_client):
    busy, busy_messages = with_messages(12)
    quiet, quiet_messages = with_messages(1, last_message_at=BASE_TIME - timedelta(days=1))

    rows = {c["id"]: c for c in staff_client.get(URL).json()["conversations"]}

    newest_ten = [m.message_id for m in reversed(busy_messages)][:10]
    assert [m["message_id"] for m in rows[busy.pk]["messages"]] == newest_ten
    assert [m["message_id"] for m in rows[quiet.pk]["messages"]] == [quiet_messages[0].message_id]


def test_lists_most_recent_activity_first_and_conversations_without_messages_last(staff_client):
    empty = make_conversation()
    old, _ = with_messages(1, last_message_at=BASE_TIME - timedelta(days=2))
    recent, _ = with_messages(1, last_message_at=BASE_TIME)

    assert ids(staff_client.get(URL)) == [recent.pk, old.pk, empty.pk]


@pytest.mark.parametrize("phone", ["919876543210", "+919876543210"])
def test_filters_by_customer_phone_with_or_without_plus(staff_client, phone):
    customer = make_conversation(phone_number="919876543210")
    make_conversation(phone_number="441234567890")

    response = staff_client.get(URL, {"phone": phone})

    assert response.json()["count"] == 1
    assert ids(response) == [customer.pk]


def test_phone_filter_follows_a_customer_who_changed_number(staff_client):
    customer = make_conversation(phone_number="441234567890")
    FormerNumber.objects.create(
        phone_number_id=customer.phone_number_id, wa_id="919876543210", conversation=customer, changed_at=timezone.now()
    )

    assert ids(staff_client.get(URL, {"phone": "919876543210"})) == [customer.pk]


def test_shows_username_only_customers_with_a_null_phone_number(staff_client):
    make_conversation(phone_number=None, user_id="US.13491208655302741918")

    row = staff_client.get(URL).json()["conversations"][0]

    assert (row["phone_number"], row["user_id"]) == (None, "US.13491208655302741918")


def test_next_links_page_through_conversations_once(staff_client):
    made = [with_messages(1, last_message_at=BASE_TIME - timedelta(hours=n))[0] for n in range(5)]
    made.append(make_conversation())

    seen = []
    link = f"{URL}?limit=2"
    while link:
        page = staff_client.get(link).json()
        assert page["count"] == 6
        seen += [c["id"] for c in page["conversations"]]
        link = page["next"]

    assert seen == [c.pk for c in made]


def test_rejects_a_bad_limit_with_a_json_error(staff_client):
    response = staff_client.get(URL, {"limit": "ten"})

    assert response.status_code == 400
    assert response.json()["details"] == {"limit": ["A valid integer is required."]}


def test_query_count_does_not_grow_with_the_number_of_conversations(
    staff_client, django_assert_max_num_queries
):
    for n in range(3):
        with_messages(12, last_message_at=BASE_TIME - timedelta(hours=n))
    # session, user, count, page, last messages of the page
    with django_assert_max_num_queries(5):
        small = staff_client.get(URL)

    for n in range(3, 40):
        with_messages(12, last_message_at=BASE_TIME - timedelta(hours=n))
    with django_assert_max_num_queries(5):
        large = staff_client.get(URL)

    assert len(small.json()["conversations"]) == 3
    assert len(large.json()["conversations"]) == 40
    assert all(len(c["messages"]) == 10 for c in large.json()["conversations"])
    assert Message.objects.count() == 40 * 12
