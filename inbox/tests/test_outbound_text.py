"""Replying with text: sent through the Graph API, stored with Meta's wamid and the author."""

import pytest

from inbox import outbound, statuses
from inbox.models import Message
from inbox.tests.factories import make_message
from inbox.tests.outbound_data import closed_conversation, open_conversation

pytestmark = pytest.mark.django_db


def test_reply_is_sent_and_stored_as_accepted_with_the_wamid_and_author(fake_graph, staff_user):
    conversation = open_conversation(phone_number="919876543210")

    message = outbound.send_text(conversation=conversation, author=staff_user, body="Yes, it is ready.")

    sent = fake_graph.sent[-1]
    assert sent["to"] == "+919876543210"
    assert sent["text"]["body"] == "Yes, it is ready."
    assert message.message_id == sent["wamid"]
    assert message.direction == Message.OUTBOUND
    assert message.status == statuses.ACCEPTED
    assert message.author == staff_user
    assert message.from_name == "agent"
    assert message.text_body == "Yes, it is ready."
    conversation.refresh_from_db()
    assert conversation.last_message == message
    assert conversation.message_count == 1


def test_reply_is_broadcast_after_commit(fake_graph, staff_user, django_capture_on_commit_callbacks):
    conversation = open_conversation()

    with django_capture_on_commit_callbacks() as callbacks:
        outbound.send_text(conversation=conversation, author=staff_user, body="On its way")

    assert len(callbacks) == 1


def test_quoted_reply_names_the_customer_message(fake_graph, staff_user):
    conversation = open_conversation()
    question = make_message(conversation=conversation, message_id="wamid.QUESTION")

    message = outbound.send_text(conversation=conversation, author=staff_user, body="Yes", reply_to=question)

    assert fake_graph.sent[-1]["context"] == {"message_id": "wamid.QUESTION"}
    assert message.reply_to == "wamid.QUESTION"


def test_a_link_asks_for_a_preview(fake_graph, staff_user):
    conversation = open_conversation()

    outbound.send_text(conversation=conversation, author=staff_user, body="Track it: https://example.com/t/1")
    outbound.send_text(conversation=conversation, author=staff_user, body="No link here")

    assert [m["text"]["preview_url"] for m in fake_graph.sent] == [True, False]


def test_refused_send_raises_the_reason_and_stores_nothing(fake_graph, staff_user):
    conversation = open_conversation()
    fake_graph.fail_next("rate_limit")

    with pytest.raises(outbound.SendFailed) as caught:
        outbound.send_text(conversation=conversation, author=staff_user, body="Hello")

    assert caught.value.code == 130429
    assert "wait a moment" in caught.value.reason
    assert not Message.objects.filter(direction=Message.OUTBOUND).exists()


def test_meta_closing_the_window_is_reported(fake_graph, staff_user):
    conversation = open_conversation()
    fake_graph.fail_next("window_closed")

    with pytest.raises(outbound.SendFailed) as caught:
        outbound.send_text(conversation=conversation, author=staff_user, body="Hello")

    assert caught.value.code == 131047
    assert "template" in caught.value.reason


def test_free_text_after_the_window_closed_is_refused_without_calling_meta(fake_graph, staff_user):
    conversation = closed_conversation()

    with pytest.raises(outbound.SendFailed) as caught:
        outbound.send_text(conversation=conversation, author=staff_user, body="Hello again")

    assert "window is closed" in caught.value.reason
    assert fake_graph.sent == []


def test_an_unreachable_graph_api_is_a_failed_send(fake_graph, staff_user):
    conversation = open_conversation()
    fake_graph.fail_next("server_error")

    with pytest.raises(outbound.SendFailed) as caught:
        outbound.send_text(conversation=conversation, author=staff_user, body="Hello")

    assert "nothing was sent" in caught.value.reason
    assert not Message.objects.filter(direction=Message.OUTBOUND).exists()


@pytest.mark.parametrize("body, reason", [("   ", "Type a message"), ("x" * 4097, "4096")])
def test_empty_or_too_long_text_is_refused_before_sending(fake_graph, staff_user, body, reason):
    with pytest.raises(outbound.SendFailed) as caught:
        outbound.send_text(conversation=open_conversation(), author=staff_user, body=body)

    assert reason in caught.value.reason
    assert fake_graph.sent == []


def test_text_of_exactly_4096_characters_is_sent(fake_graph, staff_user):
    message = outbound.send_text(conversation=open_conversation(), author=staff_user, body="x" * 4096)

    assert len(message.text_body) == 4096


def test_a_username_only_customer_is_addressed_by_user_id(fake_graph, staff_user):
    conversation = open_conversation(phone_number=None, user_id="US.13491208655302741918")

    outbound.send_text(conversation=conversation, author=staff_user, body="Hello")

    assert fake_graph.sent[-1]["recipient"] == "US.13491208655302741918"


def test_quoting_a_message_of_another_conversation_is_refused(fake_graph, staff_user):
    other = make_message(conversation=open_conversation())

    with pytest.raises(outbound.SendFailed):
        outbound.send_text(conversation=open_conversation(), author=staff_user, body="Hi", reply_to=other)
    assert fake_graph.sent == []
