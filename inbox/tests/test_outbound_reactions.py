"""Reacting to a customer's message, and taking the reaction back."""

import pytest

from inbox import outbound
from inbox.tests.factories import make_message
from inbox.tests.outbound_data import closed_conversation, open_conversation

pytestmark = pytest.mark.django_db


def test_a_reaction_is_sent_and_stored_pointing_at_its_message(fake_graph, staff_user):
    conversation = open_conversation()
    target = make_message(conversation=conversation, message_id="wamid.PHOTO")

    reaction = outbound.send_reaction(conversation=conversation, author=staff_user, message=target, emoji="❤️")

    assert fake_graph.sent[-1]["reaction"] == {"message_id": "wamid.PHOTO", "emoji": "❤️"}
    assert reaction.message_type == "reaction"
    assert reaction.reply_to == "wamid.PHOTO"
    assert reaction.text_body == "❤️"


def test_an_empty_emoji_removes_the_reaction(fake_graph, staff_user):
    conversation = open_conversation()
    target = make_message(conversation=conversation)

    removal = outbound.send_reaction(conversation=conversation, author=staff_user, message=target, emoji="")

    assert fake_graph.sent[-1]["reaction"]["emoji"] == ""
    assert removal.text_body is None


def test_reactions_need_the_window_open(fake_graph, staff_user):
    conversation = closed_conversation()
    target = make_message(conversation=conversation)

    with pytest.raises(outbound.SendFailed):
        outbound.send_reaction(conversation=conversation, author=staff_user, message=target, emoji="👍")
    assert fake_graph.sent == []


def test_a_message_of_another_conversation_cannot_be_reacted_to(fake_graph, staff_user):
    target = make_message(conversation=open_conversation())

    with pytest.raises(outbound.SendFailed):
        outbound.send_reaction(conversation=open_conversation(), author=staff_user, message=target, emoji="👍")
