"""The contact panel: who the customer is, the editable email, legacy notes."""

import pytest
from django.urls import reverse

from inbox.models import FormerNumber
from inbox.tests.factories import BASE_TIME, make_conversation

pytestmark = pytest.mark.django_db


def test_panel_shows_number_first_seen_and_message_count(staff_client):
    conversation = make_conversation(contact_name="Dora", phone_number="4915123456789", message_count=12)
    FormerNumber.objects.create(
        phone_number_id=conversation.phone_number_id, wa_id="4915100000000", conversation=conversation, changed_at=BASE_TIME
    )
    html = staff_client.get(reverse("inbox:contact", args=[conversation.pk])).content.decode()
    assert "+4915123456789" in html
    assert "+4915100000000" in html
    assert f'<dd id="message-count-{conversation.pk}">12</dd>' in html
    assert f'id="notes-{conversation.pk}"' in html


def test_saving_the_email_goes_through_the_action(staff_client, django_capture_on_commit_callbacks):
    conversation = make_conversation()
    with django_capture_on_commit_callbacks() as callbacks:
        response = staff_client.post(reverse("inbox:contact", args=[conversation.pk]), {"customer_email": "dora@example.com"})
    conversation.refresh_from_db()
    assert conversation.customer_email == "dora@example.com"
    assert len(callbacks) == 1  # the broadcast to every agent
    assert 'value="dora@example.com"' in response.content.decode()


def test_invalid_email_is_explained_and_not_saved(staff_client):
    conversation = make_conversation(customer_email="old@example.com")
    response = staff_client.post(reverse("inbox:contact", args=[conversation.pk]), {"customer_email": "not an email"})
    html = response.content.decode()
    assert "Enter a valid email address." in html
    assert 'value="not an email"' in html
    conversation.refresh_from_db()
    assert conversation.customer_email == "old@example.com"


def test_email_can_be_cleared(staff_client):
    conversation = make_conversation(customer_email="old@example.com")
    staff_client.post(reverse("inbox:contact", args=[conversation.pk]), {"customer_email": ""})
    conversation.refresh_from_db()
    assert conversation.customer_email == ""


def test_notes_kept_from_the_original_app_are_shown_escaped(staff_client):
    conversation = make_conversation(notes="VIP <customer>")
    html = staff_client.get(reverse("inbox:contact", args=[conversation.pk])).content.decode()
    assert "VIP &lt;customer&gt;" in html
