"""Read receipts to Meta when an agent opens a conversation: the newest unread customer
message is marked read (with "typing…"), after commit, and a Graph failure breaks nothing."""

from datetime import timedelta

import pytest
from django.utils import timezone

from inbox import actions, outbound
from inbox.models import Message
from inbox.tests.factories import make_message
from inbox.tests.outbound_data import open_conversation

pytestmark = pytest.mark.django_db


def open_it(conversation, callbacks_fixture):
    with callbacks_fixture(execute=True):
        outbound.send_read_receipt(actions.mark_read(conversation=conversation))
    outbound.wait_for_read_receipts()


def test_opening_marks_the_newest_unread_message_read_with_typing(fake_graph, django_capture_on_commit_callbacks):
    conversation = open_conversation()
    make_message(conversation=conversation, message_id="wamid.NEWEST", timestamp=timezone.now())
    make_message(conversation=conversation, message_id="wamid.OLDER", timestamp=timezone.now() - timedelta(minutes=5))

    open_it(conversation, django_capture_on_commit_callbacks)

    assert fake_graph.read_receipts == [
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.NEWEST",
            "typing_indicator": {"type": "text"},
        }
    ]


def test_nothing_is_sent_before_commit(fake_graph, django_capture_on_commit_callbacks):
    conversation = open_conversation()

    with django_capture_on_commit_callbacks() as callbacks:
        outbound.send_read_receipt(actions.mark_read(conversation=conversation))
        outbound.wait_for_read_receipts()
        assert fake_graph.read_receipts == []

    assert callbacks


def test_a_reaction_is_not_what_the_receipt_names(fake_graph, django_capture_on_commit_callbacks):
    conversation = open_conversation()
    now = timezone.now()
    make_message(conversation=conversation, message_id="wamid.TEXT", timestamp=now - timedelta(minutes=1))
    make_message(conversation=conversation, message_id="wamid.REACTION", message_type="reaction", timestamp=now)

    open_it(conversation, django_capture_on_commit_callbacks)

    assert fake_graph.read_receipts[-1]["message_id"] == "wamid.TEXT"


def test_already_read_conversation_sends_no_receipt(fake_graph, django_capture_on_commit_callbacks):
    conversation = open_conversation()
    open_it(conversation, django_capture_on_commit_callbacks)

    open_it(conversation, django_capture_on_commit_callbacks)

    assert len(fake_graph.read_receipts) == 1


def test_receipts_can_be_turned_off(fake_graph, settings, django_capture_on_commit_callbacks):
    settings.WHATSAPP_SEND_READ_RECEIPTS = False

    open_it(open_conversation(), django_capture_on_commit_callbacks)

    assert fake_graph.read_receipts == []


def test_without_an_access_token_no_receipt_is_tried(fake_graph, settings, django_capture_on_commit_callbacks, caplog):
    settings.WHATSAPP_ACCESS_TOKEN = ""

    open_it(open_conversation(), django_capture_on_commit_callbacks)

    assert fake_graph.read_receipts == []
    assert "read receipt" not in caplog.text


def test_a_graph_failure_does_not_break_opening(fake_graph, django_capture_on_commit_callbacks, caplog):
    conversation = open_conversation()
    fake_graph.fail_next("token_expired")

    open_it(conversation, django_capture_on_commit_callbacks)

    assert fake_graph.read_receipts == []
    assert not Message.objects.filter(conversation=conversation, status="received").exists()
    assert "read receipt" in caplog.text
