"""Internal notes: added and deleted by staff, shown with author and time, never sent."""

import pytest
from django.urls import reverse

from inbox.models import Message, Note
from inbox.tests.factories import make_conversation, make_note

pytestmark = pytest.mark.django_db


def test_adding_a_note_stores_it_with_its_author_and_resets_the_form(staff_client, staff_user):
    conversation = make_conversation()
    response = staff_client.post(reverse("inbox:add-note", args=[conversation.pk]), {"body": "  Called, no answer  "})
    note = Note.objects.get()
    assert (note.body, note.author, note.conversation) == ("Called, no answer", staff_user, conversation)
    html = response.content.decode()
    assert f'id="note-form-{conversation.pk}"' in html and "Called, no answer" not in html
    assert not Message.objects.exists()


def test_an_empty_note_is_refused_with_a_reason(staff_client):
    conversation = make_conversation()
    response = staff_client.post(reverse("inbox:add-note", args=[conversation.pk]), {"body": "   "})
    assert "Write something first." in response.content.decode()
    assert not Note.objects.exists()


def test_notes_are_listed_in_order_with_author_and_escaped_body(staff_client, staff_user):
    conversation = make_conversation()
    make_note(conversation=conversation, author=staff_user, body="first <i>note</i>")
    make_note(conversation=conversation, author=None, body="second note")
    html = staff_client.get(reverse("inbox:contact", args=[conversation.pk])).content.decode()
    assert html.index("first &lt;i&gt;note&lt;/i&gt;") < html.index("second note")
    assert "agent" in html and "Former staff member" in html


def test_deleting_a_note(staff_client):
    note = make_note()
    response = staff_client.post(reverse("inbox:delete-note", args=[note.pk]))
    assert response.status_code == 204
    assert not Note.objects.exists()


def test_deleting_a_note_someone_else_already_deleted_is_harmless(staff_client):
    assert staff_client.post(reverse("inbox:delete-note", args=[999])).status_code == 204


def test_notes_need_staff(client):
    note = make_note()
    assert client.post(reverse("inbox:delete-note", args=[note.pk])).status_code == 302
    assert Note.objects.exists()
