import pytest
from django.urls import reverse

from inbox import realtime
from inbox.models import Conversation, Note
from inbox.tests.factories import make_conversation, make_message, make_note

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:inbox_conversation_changelist")


def change_url(conversation: Conversation) -> str:
    return reverse("admin:inbox_conversation_change", args=[conversation.pk])


def form_data(**overrides) -> dict:
    """The change form's fields, with its read-only inlines' management forms."""
    data = {"customer_email": "", "notes": "", "new_note": ""}
    for prefix in ("staff_notes", "former_numbers"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    data.update(overrides)
    return data


@pytest.mark.parametrize("query", ["919876543210", "John", "john@example.com"])
def test_searches_by_phone_name_and_email(admin_client, query):
    wanted = make_conversation(phone_number="919876543210", contact_name="John Doe", customer_email="john@example.com")
    make_conversation(phone_number="441234567890", contact_name="Ann", customer_email="ann@example.org")

    assert list(admin_client.get(CHANGELIST, {"q": query}).context["cl"].result_list) == [wanted]


def test_filters_conversations_with_unread_messages(admin_client):
    unread = make_conversation(unread_count=2)
    make_conversation(unread_count=0)

    assert list(admin_client.get(CHANGELIST, {"unread": "yes"}).context["cl"].result_list) == [unread]


def broadcasts(callbacks: list) -> list[realtime.Changes]:
    """The changes each captured on-commit callback of `realtime.broadcast` would push."""
    return [callback.args[0] for callback in callbacks if getattr(callback, "func", None) is realtime._push]


def test_saving_email_and_notes_goes_through_the_action_and_is_broadcast(
    admin_client, django_capture_on_commit_callbacks
):
    conversation = make_conversation(message_count=5, unread_count=3)

    with django_capture_on_commit_callbacks() as callbacks:
        response = admin_client.post(
            change_url(conversation),
            form_data(customer_email="john@example.com", notes="VIP customer", message_count="99", unread_count="0"),
        )

    assert response.status_code == 302
    conversation.refresh_from_db()
    assert (conversation.customer_email, conversation.notes) == ("john@example.com", "VIP customer")
    assert (conversation.message_count, conversation.unread_count) == (5, 3)
    assert [changes.conversations for changes in broadcasts(callbacks)] == [[conversation.pk]]


def test_a_new_note_is_added_in_the_staff_members_name(admin_client, admin_user, django_capture_on_commit_callbacks):
    conversation = make_conversation()

    with django_capture_on_commit_callbacks() as callbacks:
        admin_client.post(change_url(conversation), form_data(new_note="  Called back, will reorder  "))

    note = Note.objects.get(conversation=conversation)
    assert (note.body, note.author) == ("Called back, will reorder", admin_user)
    assert [changes.new_notes for changes in broadcasts(callbacks)] == [[], [note.pk]]


def test_rejects_an_invalid_email(admin_client):
    conversation = make_conversation()

    response = admin_client.post(change_url(conversation), form_data(customer_email="not-an-email"))

    assert response.status_code == 200
    assert "customer_email" in response.context["adminform"].form.errors


def test_detail_lists_notes_former_numbers_and_links_to_the_messages(admin_client):
    conversation = make_conversation(message_count=1)
    make_message(conversation=conversation)
    make_note(conversation=conversation, body="Prefers email")

    page = admin_client.get(change_url(conversation)).content.decode()

    assert "Prefers email" in page
    assert "Former numbers" in page
    assert f"?conversation__id__exact={conversation.pk}" in page


def test_the_messages_link_filters_the_message_list(admin_client):
    conversation = make_conversation()
    mine = make_message(conversation=conversation)
    make_message()

    response = admin_client.get(reverse("admin:inbox_message_changelist"), {"conversation__id__exact": conversation.pk})

    assert list(response.context["cl"].result_list) == [mine]


def test_conversations_cannot_be_added_by_hand(admin_client):
    assert admin_client.get(reverse("admin:inbox_conversation_add")).status_code == 403
