"""Model instances from hand-written SQL match what the ORM loads for the same rows, on
SQLite and PostgreSQL alike: JSON decoded, dates aware, booleans as booleans, and an outer
join that found nothing as None."""

from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.db import connection
from django.test.utils import CaptureQueriesContext

from inbox import frames, sql_rows
from inbox.models import Conversation, Message
from inbox.sql_lists import placeholders
from inbox.tests.factories import make_conversation, make_message

pytestmark = pytest.mark.django_db


def field_values(instance) -> dict:
    return {field.attname: getattr(instance, field.attname) for field in type(instance)._meta.concrete_fields}


def test_fetch_loads_every_field_as_the_orm_does():
    message = make_message(
        payload={"text": {"body": "Zoë 👍"}, "nested": [1, None, True]},
        forwarded=True,
        timestamp=datetime(2025, 3, 1, 8, 15, 30, 123456, tzinfo=UTC),
    )

    [fetched] = sql_rows.fetch(Message, "WHERE id = %s", [message.pk])

    assert field_values(fetched) == field_values(Message.objects.get(pk=message.pk))
    assert fetched.payload == {"text": {"body": "Zoë 👍"}, "nested": [1, None, True]}
    assert fetched.forwarded is True
    assert fetched.timestamp == datetime(2025, 3, 1, 8, 15, 30, 123456, tzinfo=UTC)
    assert fetched._state.adding is False and fetched._state.db == "default"


def test_fetch_finds_nothing_as_an_empty_list():
    assert sql_rows.fetch(Message, "WHERE message_id = %s", ["wamid.NONE"]) == []


def test_rows_split_a_join_into_its_models_and_a_missing_outer_row_into_none():
    user = get_user_model().objects.create_user("mara", first_name="Mara")
    conversation = make_conversation(contact_name="Anna")
    inbound = make_message(conversation=conversation)
    outbound = make_message(conversation=conversation, direction=Message.OUTBOUND, author=user)
    User = get_user_model()

    found = sql_rows.rows(
        f"SELECT {sql_rows.columns(Message, 'm')}, {sql_rows.columns(Conversation, 'c')},"
        f" {sql_rows.columns(User, 'u')} FROM inbox_message m"
        " JOIN inbox_conversation c ON c.id = m.conversation_id"
        f" LEFT JOIN {User._meta.db_table} u ON u.id = m.author_id"
        f" WHERE m.id IN ({placeholders([inbound.pk, outbound.pk])}) ORDER BY m.id",
        [inbound.pk, outbound.pk],
        Message,
        Conversation,
        User,
    )

    assert [(m.pk, c.pk, u and u.pk) for m, c, u in found] == [
        (inbound.pk, conversation.pk, None),
        (outbound.pk, conversation.pk, user.pk),
    ]
    assert found[1][2].first_name == "Mara"
    assert field_values(found[0][1]) == field_values(Conversation.objects.get(pk=conversation.pk))


def test_a_frames_messages_come_with_their_conversation_and_author_in_one_query():
    user = get_user_model().objects.create_user("mara", first_name="Mara")
    conversation = make_conversation(contact_name="Anna")
    inbound = make_message(conversation=conversation, text_body="Hello")
    outbound = make_message(conversation=conversation, direction=Message.OUTBOUND, author=user)
    # Counters as a batch's UPDATE leaves them, after the objects in hand were loaded.
    Conversation.objects.filter(pk=conversation.pk).update(message_count=2, unread_count=1, last_message=outbound)

    with CaptureQueriesContext(connection) as queries:
        messages = frames._messages([inbound.pk], [outbound.pk])
        seen = {
            pk: (m.conversation.message_count, m.conversation.last_message_id, m.author and m.author.first_name)
            for pk, m in messages.items()
        }

    assert len(queries) == 1
    assert seen == {inbound.pk: (2, outbound.pk, None), outbound.pk: (2, outbound.pk, "Mara")}
    assert messages[inbound.pk].text_body == "Hello"
