"""Broadcasting: nothing reaches the group before the transaction commits, then exactly one
frame per write, carrying the rendered HTML."""


import pytest

from inbox import actions
from inbox.tests.factories import BASE_TIME, make_conversation
from inbox.tests.group_listener import received

pytestmark = pytest.mark.django_db




def receive_text(conversation, wamid: str, text: str):
    return actions.receive_message(
        phone_number_id=conversation.phone_number_id, message_id=wamid, message_type="text", timestamp=BASE_TIME,
        from_number=conversation.phone_number, from_user_id=None, fields={"text_body": text},
    )


def test_new_message_is_pushed_once_after_commit(listener, django_capture_on_commit_callbacks):
    layer, channel = listener
    conversation = make_conversation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        message, _ = receive_text(conversation, "wamid.live1", "Hello <there>")
    assert received(layer, channel) == []
    for callback in callbacks:
        callback()
    events = received(layer, channel)
    assert len(events) == 1
    assert events[0]["type"] == "inbox.html"
    assert f'id="msg-{message.pk}"' in events[0]["html"]
    assert "Hello &lt;there&gt;" in events[0]["html"]


def test_duplicate_message_pushes_nothing(listener, django_capture_on_commit_callbacks):
    layer, channel = listener
    conversation = make_conversation()
    receive_text(conversation, "wamid.dup", "Once")
    with django_capture_on_commit_callbacks(execute=True):
        receive_text(conversation, "wamid.dup", "Once")
    assert received(layer, channel) == []


def test_rolled_back_write_pushes_nothing(listener, django_capture_on_commit_callbacks):
    from django.db import transaction

    layer, channel = listener
    conversation = make_conversation()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                actions.add_note(conversation=conversation, author=None, body="never mind")
                raise RuntimeError("rolled back")
        except RuntimeError:
            pass
    assert callbacks == []
    assert received(layer, channel) == []


def test_note_added_and_deleted_reach_every_agent(listener, django_capture_on_commit_callbacks, staff_user):
    layer, channel = listener
    conversation = make_conversation()
    with django_capture_on_commit_callbacks(execute=True):
        note = actions.add_note(conversation=conversation, author=staff_user, body="Prefers calls after 5pm")
    [added] = received(layer, channel)
    assert f'id="note-{note.pk}"' in added["html"] and "Prefers calls after 5pm" in added["html"]
    pk = note.pk
    with django_capture_on_commit_callbacks(execute=True):
        actions.delete_note(note=note)
    [deleted] = received(layer, channel)
    assert f'<div id="note-{pk}" hx-swap-oob="delete"></div>' in deleted["html"]


def test_reading_a_conversation_clears_the_badge_for_everyone(listener, django_capture_on_commit_callbacks):
    layer, channel = listener
    conversation = make_conversation()
    receive_text(conversation, "wamid.unread", "Are you there?")
    with django_capture_on_commit_callbacks(execute=True):
        actions.mark_read(conversation=conversation)
    [frame] = received(layer, channel)
    assert f'id="conv-{conversation.pk}"' in frame["html"]
    assert 'data-unread="0"' in frame["html"]
    assert 'data-messages="0"' in frame["html"]


def test_contact_edit_updates_the_contact_details(listener, django_capture_on_commit_callbacks):
    layer, channel = listener
    conversation = make_conversation()
    with django_capture_on_commit_callbacks(execute=True):
        actions.update_contact(conversation=conversation, customer_email="anna@example.com")
    [frame] = received(layer, channel)
    assert f'id="contact-details-{conversation.pk}"' in frame["html"]
    assert 'value="anna@example.com"' in frame["html"]
