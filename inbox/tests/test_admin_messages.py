import pytest
from django.urls import reverse

from inbox.models import Message
from inbox.tests.factories import make_conversation, make_message

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inbox_message_changelist")


def test_lists_messages_with_the_original_columns_and_more(admin_client):
    conversation = make_conversation(phone_number="919876543210", contact_name="John Doe")
    make_message(conversation=conversation, text_body="Hello, I need help with my order " * 3)
    make_message(conversation=conversation, direction=Message.OUTBOUND, text_body="On it", status="delivered")
    make_message(conversation=conversation, message_type="image", text_body=None, media_id="9", media_state="pending")

    response = admin_client.get(CHANGELIST)

    assert response.status_code == 200
    headers = [h["text"].lower() for h in response.context["result_headers"]]
    assert headers[-8:] == [
        "from number",
        "from name",
        "message type",
        "preview",
        "timestamp",
        "direction",
        "status",
        "media state",
    ]
    page = response.content.decode()
    assert "919876543210" in page
    assert "Hello, I need help with my order Hello, I need help with my…" in page
    assert "to +919876543210" in page
    assert "[image]" in page


@pytest.mark.parametrize("query", ["919876543210", "John", "refund", "wamid.SEARCHME"])
def test_searches_by_phone_name_text_and_wamid(admin_client, query):
    customer = make_conversation(phone_number="919876543210", contact_name="John Doe")
    wanted = make_message(conversation=customer, text_body="I want a refund", message_id="wamid.SEARCHME")
    make_message(conversation=make_conversation(phone_number="441234567890", contact_name="Ann"), text_body="Thanks")

    results = list(admin_client.get(CHANGELIST, {"q": query}).context["cl"].result_list)

    assert results == [wanted]


def test_filters_by_type_direction_status_and_date(admin_client):
    inbound = make_message()
    outbound = make_message(direction=Message.OUTBOUND, message_type="template", status="read")

    def results(params: dict) -> list[Message]:
        return list(admin_client.get(CHANGELIST, params).context["cl"].result_list)

    assert results({"direction__exact": "out"}) == [outbound]
    assert results({"message_type__exact": "text"}) == [inbound]
    assert results({"status__exact": "read"}) == [outbound]
    day = inbound.timestamp
    assert set(results({"timestamp__year": day.year, "timestamp__month": day.month, "timestamp__day": day.day})) == {
        inbound,
        outbound,
    }


def test_list_query_count_does_not_grow_with_rows(admin_client, django_assert_max_num_queries):
    for _ in range(3):
        make_message(direction=Message.OUTBOUND)
    admin_client.get(CHANGELIST)
    with django_assert_max_num_queries(12) as few:
        admin_client.get(CHANGELIST)
    for _ in range(30):
        make_message(direction=Message.OUTBOUND)

    with django_assert_max_num_queries(len(few.captured_queries)):
        admin_client.get(CHANGELIST)


def test_detail_shows_the_payload_as_pretty_json_and_cannot_be_edited(admin_client):
    message = make_message(payload={"text": {"body": "<b>hi</b>"}, "type": "text"})

    response = admin_client.get(reverse("admin:inbox_message_change", args=[message.pk]))

    page = response.content.decode()
    assert response.status_code == 200
    assert '{\n  &quot;text&quot;: {\n    &quot;body&quot;: &quot;&lt;b&gt;hi&lt;/b&gt;&quot;' in page
    assert 'name="_save"' not in page
    assert admin_client.post(reverse("admin:inbox_message_change", args=[message.pk]), {}).status_code == 403


def test_messages_cannot_be_added_or_deleted_by_hand(admin_client):
    message = make_message()

    assert admin_client.get(reverse("admin:inbox_message_add")).status_code == 403
    assert admin_client.get(reverse("admin:inbox_message_delete", args=[message.pk])).status_code == 403
