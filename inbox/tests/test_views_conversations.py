"""The inbox screen: the list, opening a conversation, the thread's pages, read state."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox import actions, statuses
from inbox.models import Conversation, Message
from inbox.tests.factories import BASE_TIME, make_conversation, make_message

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse("inbox:index"))
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_htmx_requests_without_a_session_redirect_the_whole_page(client):
    response = client.get(reverse("inbox:conversation-list"), headers={"HX-Request": "true", "HX-Current-URL": "http://testserver/c/3/"})
    assert response.status_code == 401
    assert response["HX-Redirect"] == "/accounts/login/?next=/c/3/"


def test_users_without_staff_status_are_refused(client, django_user_model):
    client.force_login(django_user_model.objects.create_user(username="customer", password="x"))
    response = client.get(reverse("inbox:index"))
    assert response.status_code == 403
    assert "an account without access to the inbox" in response.content.decode()


def test_staff_log_in_with_the_login_form(client, staff_user):
    page = client.get("/accounts/login/?next=/")
    assert 'name="next" value="/"' in page.content.decode()
    response = client.post("/accounts/login/", {"username": "agent", "password": "agent-password", "next": "/"})
    assert response.status_code == 302 and response["Location"] == "/"
    assert client.get("/").status_code == 200


def test_lists_conversations_newest_activity_first(staff_client):
    older = make_conversation(contact_name="Older", last_message_at=BASE_TIME)
    newer = make_conversation(contact_name="Newer", last_message_at=BASE_TIME + timedelta(hours=1))
    html = staff_client.get(reverse("inbox:index")).content.decode()
    assert html.index(f'id="conv-{newer.pk}"') < html.index(f'id="conv-{older.pk}"')


def test_rows_show_preview_unread_badge_and_total_in_title(staff_client):
    conversation = make_conversation(contact_name="Anna")
    message = make_message(conversation=conversation, message_type="image", text_body=None, media_id="m1")
    Conversation.objects.filter(pk=conversation.pk).update(
        last_message=message, last_message_at=message.timestamp, unread_count=3
    )
    html = staff_client.get(reverse("inbox:index")).content.decode()
    assert f'data-unread="3"' in html
    assert "📷 Photo" in html
    assert "<title>(3) Inbox</title>" in html


def test_customers_without_a_number_show_their_user_id(staff_client):
    make_conversation(contact_name="", phone_number=None, user_id="US.13491208655302741918")
    html = staff_client.get(reverse("inbox:index")).content.decode()
    assert "US.13491208655302741918" in html


def test_unread_filter_shows_only_conversations_with_unread_messages(staff_client):
    unread = make_conversation(unread_count=2, last_message_at=BASE_TIME)
    read = make_conversation(unread_count=0, last_message_at=BASE_TIME)
    html = staff_client.get(reverse("inbox:conversation-list"), {"show": "unread"}).content.decode()
    assert f'id="conv-{unread.pk}"' in html
    assert f'id="conv-{read.pk}"' not in html


def test_search_finds_names_numbers_and_message_text(staff_client):
    by_name = make_conversation(contact_name="Beatriz Souza", last_message_at=BASE_TIME)
    by_number = make_conversation(phone_number="5511987650000", last_message_at=BASE_TIME)
    by_text = make_conversation(last_message_at=BASE_TIME)
    make_message(conversation=by_text, text_body="Where is my parcel?")
    other = make_conversation(last_message_at=BASE_TIME)

    def found(query: str) -> str:
        return staff_client.get(reverse("inbox:conversation-list"), {"q": query}).content.decode()

    assert f'id="conv-{by_name.pk}"' in found("beatriz")
    assert f'id="conv-{by_number.pk}"' in found("+55 11 98765")
    assert f'id="conv-{by_text.pk}"' in found("PARCEL")
    assert f'id="conv-{other.pk}"' not in found("parcel")


def test_business_number_filter(staff_client):
    first = make_conversation(phone_number_id="111", last_message_at=BASE_TIME)
    second = make_conversation(phone_number_id="222", last_message_at=BASE_TIME)
    index = staff_client.get(reverse("inbox:index")).content.decode()
    assert 'name="number"' in index
    html = staff_client.get(reverse("inbox:conversation-list"), {"number": "222"}).content.decode()
    assert f'id="conv-{second.pk}"' in html and f'id="conv-{first.pk}"' not in html


def test_list_pages_continue_where_the_previous_page_ended(staff_client):
    conversations = [make_conversation(last_message_at=BASE_TIME + timedelta(minutes=i)) for i in range(55)]
    first = staff_client.get(reverse("inbox:conversation-list")).content.decode()
    assert first.count('id="conv-') == 50
    assert 'hx-trigger="revealed"' in first
    cursor = first.split("cursor=")[1].split("&")[0].split('"')[0]
    from urllib.parse import unquote

    second = staff_client.get(reverse("inbox:conversation-list"), {"cursor": unquote(cursor)}).content.decode()
    assert second.count('id="conv-') == 5
    assert f'id="conv-{conversations[0].pk}"' in second
    assert 'hx-trigger="revealed"' not in second


def test_list_costs_the_same_queries_for_many_conversations(staff_client, django_assert_max_num_queries):
    for i in range(30):
        conversation = make_conversation(last_message_at=BASE_TIME + timedelta(minutes=i))
        message = make_message(conversation=conversation)
        Conversation.objects.filter(pk=conversation.pk).update(last_message=message)
    with django_assert_max_num_queries(6):
        staff_client.get(reverse("inbox:index"))


def test_opening_a_conversation_marks_it_read(staff_client):
    conversation = make_conversation()
    message, _ = actions.receive_message(
        phone_number_id=conversation.phone_number_id, message_id="wamid.open", message_type="text",
        timestamp=BASE_TIME, from_number=conversation.phone_number, from_user_id=None, fields={"text_body": "Hi"},
    )
    response = staff_client.get(reverse("inbox:conversation", args=[conversation.pk]))
    assert response.status_code == 200
    conversation.refresh_from_db()
    message.refresh_from_db()
    assert conversation.unread_count == 0
    assert message.status == statuses.READ_BY_STAFF


def test_htmx_open_returns_only_the_conversation_pane(staff_client):
    conversation = make_conversation()
    make_message(conversation=conversation, text_body="Hello there")
    response = staff_client.get(reverse("inbox:conversation", args=[conversation.pk]), headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html
    assert f'id="thread-{conversation.pk}"' in html
    assert "Hello there" in html
    assert 'id="composer"' in html


def test_full_page_open_includes_list_and_thread(staff_client):
    conversation = make_conversation(contact_name="Carla")
    make_message(conversation=conversation, text_body="Hello there")
    html = staff_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()
    assert 'id="conv-list"' in html and f'id="thread-{conversation.pk}"' in html
    assert "Carla · Inbox</title>" in html


def test_thread_shows_the_newest_page_and_loads_older_pages(staff_client):
    conversation = make_conversation()
    messages = [make_message(conversation=conversation, text_body=f"number {i:03d}") for i in range(45)]
    html = staff_client.get(reverse("inbox:thread", args=[conversation.pk])).content.decode()
    assert "number 044" in html and "number 005" in html and "number 004" not in html
    assert f"?before={messages[5].pk}" in html
    older = staff_client.get(reverse("inbox:older-messages", args=[conversation.pk]), {"before": messages[5].pk})
    older_html = older.content.decode()
    assert "number 004" in older_html and "number 000" in older_html and "number 005" not in older_html
    assert "start of the conversation" in older_html
    assert older_html.index("number 000") < older_html.index("number 004")


def test_thread_costs_the_same_queries_for_many_messages(staff_client, django_assert_max_num_queries):
    conversation = make_conversation()
    previous = None
    for i in range(40):
        previous = make_message(
            conversation=conversation, reply_to=previous.message_id if previous else None, text_body=f"m{i}"
        )
        make_message(conversation=conversation, message_type="reaction", text_body="👍", reply_to=previous.message_id)
    with django_assert_max_num_queries(8):
        staff_client.get(reverse("inbox:thread", args=[conversation.pk]))


def test_reopening_a_read_conversation_writes_nothing(staff_client):
    conversation = make_conversation(unread_count=0)
    make_message(conversation=conversation, status=statuses.READ_BY_STAFF)

    with CaptureQueriesContext(connection) as queries:
        staff_client.get(reverse("inbox:conversation", args=[conversation.pk]))

    assert not [q["sql"] for q in queries.captured_queries if q["sql"].startswith(("UPDATE", "INSERT", "DELETE"))]


def test_opening_a_conversation_marked_unread_clears_its_count(staff_client):
    conversation = make_conversation(unread_count=0)
    make_message(conversation=conversation, status=statuses.READ_BY_STAFF)
    actions.mark_unread(conversation=conversation)

    staff_client.get(reverse("inbox:conversation", args=[conversation.pk]))

    conversation.refresh_from_db()
    assert conversation.unread_count == 0


def test_mark_unread_goes_back_to_the_list(staff_client):
    conversation = make_conversation(unread_count=0)
    response = staff_client.post(reverse("inbox:mark-unread", args=[conversation.pk]), headers={"HX-Request": "true"})
    assert response["HX-Push-Url"] == "/"
    conversation.refresh_from_db()
    assert conversation.unread_count == 1


def test_mark_read_endpoint_clears_the_count(staff_client):
    conversation = make_conversation(unread_count=4)
    assert staff_client.post(reverse("inbox:mark-read", args=[conversation.pk])).status_code == 204
    conversation.refresh_from_db()
    assert conversation.unread_count == 0


def test_reading_a_conversation_requires_post_for_the_read_endpoint(staff_client):
    conversation = make_conversation(unread_count=4)
    assert staff_client.get(reverse("inbox:mark-read", args=[conversation.pk])).status_code == 405


def test_a_fresh_first_page_also_refreshes_the_unread_totals(staff_client):
    make_conversation(unread_count=2, last_message_at=BASE_TIME)
    html = staff_client.get(reverse("inbox:conversation-list")).content.decode()
    assert 'id="unread-total"' in html and 'hx-swap-oob="true"' in html and 'data-messages="2"' in html


def test_unknown_conversations_and_bad_page_anchors_are_not_found(staff_client):
    conversation = make_conversation()
    assert staff_client.get(reverse("inbox:conversation", args=[999])).status_code == 404
    assert staff_client.get(reverse("inbox:older-messages", args=[conversation.pk]), {"before": "abc"}).status_code == 404
    other = make_message()
    assert staff_client.get(reverse("inbox:older-messages", args=[conversation.pk]), {"before": other.pk}).status_code == 404


def test_opening_a_long_conversation_costs_a_fixed_number_of_queries(staff_client, django_assert_max_num_queries):
    conversation = make_conversation()
    previous = None
    for i in range(60):
        previous = make_message(conversation=conversation, reply_to=previous.message_id if previous else None)
        make_message(conversation=conversation, message_type="reaction", text_body="👍", reply_to=previous.message_id)
    with django_assert_max_num_queries(18):
        staff_client.get(reverse("inbox:conversation", args=[conversation.pk]))
