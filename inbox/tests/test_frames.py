"""Live frames: htmx out-of-band swaps for each change, rendered from the same partials
as the pages, with user text escaped and a fixed number of queries."""

import re

import pytest

from inbox import frames, statuses
from inbox.models import Conversation, Message
from inbox.realtime import Changes
from inbox.tests.factories import make_conversation, make_message, make_note

pytestmark = pytest.mark.django_db


def test_nothing_changed_renders_an_empty_frame():
    assert frames.render(Changes()) == ""


def test_new_message_is_appended_to_its_thread_and_its_row_replaced():
    conversation = make_conversation(contact_name="Anna")
    message = make_message(conversation=conversation, text_body="Is my order on its way?")
    Conversation.objects.filter(pk=conversation.pk).update(last_message=message, unread_count=1)
    html = frames.render(Changes(new_messages=[message.pk], conversations=[conversation.pk]))
    assert f'<div hx-swap-oob="beforeend:#thread-{conversation.pk}">' in html
    assert f'id="msg-{message.pk}"' in html
    assert f'data-wamid="{message.message_id}"' in html
    assert re.search(rf'<a id="conv-{conversation.pk}"[^>]*data-unread="1"[^>]*hx-swap-oob="true"', html)
    assert f'data-notify="{message.pk}"' in html
    assert 'id="unread-total"' in html and 'data-messages="1"' in html
    # A new message changes only the contact panel's message count, not the whole panel.
    assert f'<dd id="message-count-{conversation.pk}" hx-swap-oob="true">' in html
    assert f'id="contact-details-{conversation.pk}"' not in html


def test_message_text_and_names_are_escaped():
    conversation = make_conversation(contact_name='<script>alert("name")</script>')
    message = make_message(conversation=conversation, text_body="<img src=x onerror=alert(1)>")
    Conversation.objects.filter(pk=conversation.pk).update(last_message=message)
    html = frames.render(Changes(new_messages=[message.pk], conversations=[conversation.pk]))
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>" not in html


def test_status_change_replaces_the_message_with_new_ticks():
    message = make_message(direction=Message.OUTBOUND, status="read")
    html = frames.render(Changes(changed_messages=[message.pk]))
    assert re.search(rf'<div id="msg-{message.pk}"[^>]*data-status="read"[^>]*hx-swap-oob="true"', html)
    assert "ticks--read" in html


def test_status_change_of_the_newest_message_updates_the_row_ticks():
    conversation = make_conversation()
    message = make_message(conversation=conversation, direction=Message.OUTBOUND, status="delivered")
    Conversation.objects.filter(pk=conversation.pk).update(last_message=message)
    html = frames.render(Changes(changed_messages=[message.pk]))
    assert f'id="conv-{conversation.pk}"' in html
    assert "ticks--delivered" in html


def test_media_message_carries_its_download_state():
    message = make_message(message_type="image", text_body=None, media_id="123", media_state=Message.MEDIA_PENDING)
    html = frames.render(Changes(changed_messages=[message.pk]))
    assert 'data-media-state="pending"' in html


def test_new_reaction_rerenders_the_message_it_reacts_to():
    conversation = make_conversation()
    target = make_message(conversation=conversation, direction=Message.OUTBOUND, text_body="We shipped it")
    reaction = make_message(conversation=conversation, message_type="reaction", text_body="🎉", reply_to=target.message_id)
    html = frames.render(Changes(new_messages=[reaction.pk], conversations=[conversation.pk]))
    assert f'id="msg-{reaction.pk}"' not in html
    assert re.search(rf'<div id="msg-{target.pk}"[^>]*hx-swap-oob="true"', html)
    assert "🎉" in html
    assert "beforeend:#thread-" not in html


def test_removed_reaction_disappears_from_the_message():
    conversation = make_conversation()
    target = make_message(conversation=conversation, text_body="Thanks")
    make_message(conversation=conversation, direction=Message.OUTBOUND, message_type="reaction", text_body="👍", reply_to=target.message_id)
    removal = make_message(conversation=conversation, direction=Message.OUTBOUND, message_type="reaction", text_body=None, reply_to=target.message_id)
    html = frames.render(Changes(new_messages=[removal.pk]))
    assert f'id="msg-{target.pk}"' in html
    assert "👍" not in html and 'class="reactions"' not in html


def test_new_note_is_appended_and_deleted_note_removed():
    conversation = make_conversation()
    note = make_note(conversation=conversation, body="Customer prefers <b>email</b>")
    html = frames.render(Changes(new_notes=[note.pk], deleted_notes=[41]))
    assert f'<div hx-swap-oob="beforeend:#notes-{conversation.pk}">' in html
    assert f'id="note-{note.pk}"' in html
    assert "&lt;b&gt;email&lt;/b&gt;" in html
    assert '<div id="note-41" hx-swap-oob="delete"></div>' in html


def test_messages_of_several_threads_go_to_their_own_threads_in_timestamp_order():
    first, second = make_conversation(), make_conversation()
    a = make_message(conversation=first)
    b = make_message(conversation=second)
    c = make_message(conversation=first)
    html = frames.render(Changes(new_messages=[c.pk, b.pk, a.pk]))
    thread = html.split(f"beforeend:#thread-{first.pk}")[1].split("beforeend:#thread-")[0]
    assert thread.index(f'id="msg-{a.pk}"') < thread.index(f'id="msg-{c.pk}"')
    assert f'beforeend:#thread-{second.pk}' in html


def test_reply_quotes_the_message_it_answers():
    conversation = make_conversation()
    original = make_message(conversation=conversation, direction=Message.OUTBOUND, text_body="Which size?")
    answer = make_message(conversation=conversation, text_body="39 please", reply_to=original.message_id)
    html = frames.render(Changes(new_messages=[answer.pk]))
    assert f'data-jump="{original.pk}"' in html and "Which size?" in html


def test_frame_costs_a_fixed_number_of_queries(django_assert_max_num_queries):
    conversations = [make_conversation() for _ in range(10)]
    new, changed, notes = [], [], []
    for conversation in conversations:
        target = make_message(conversation=conversation, direction=Message.OUTBOUND, status=statuses.ACCEPTED)
        new.append(make_message(conversation=conversation, reply_to=target.message_id).pk)
        new.append(make_message(conversation=conversation, message_type="reaction", text_body="👍", reply_to=target.message_id).pk)
        changed.append(target.pk)
        notes.append(make_note(conversation=conversation).pk)
    with django_assert_max_num_queries(9):
        frames.render(
            Changes(new_messages=new, changed_messages=changed, conversations=[c.pk for c in conversations], new_notes=notes)
        )


def test_changed_contact_details_redraw_the_panel_and_the_thread_header():
    conversation = make_conversation(contact_name="Anna <Shop>", phone_number="4915100000002")
    html = frames.render(Changes(conversations=[conversation.pk], contacts=[conversation.pk]))
    header = re.search(rf'<div class="conversation__identity" id="conversation-identity-{conversation.pk}"[^>]*>', html)
    assert header and 'hx-swap-oob="true"' in header.group() and 'data-title="Anna &lt;Shop&gt;"' in header.group()
    assert "<h1>Anna &lt;Shop&gt;</h1>" in html
    assert f'id="contact-details-{conversation.pk}"' in html


def test_a_merged_conversation_is_removed_and_the_remaining_panel_redrawn():
    keep = make_conversation(contact_name="Kept")
    gone = make_conversation(contact_name="Merged", phone_number="4915100000001")
    html = frames.render(Changes(deleted_conversations=[gone.pk], conversations=[keep.pk], contacts=[keep.pk]))
    assert f'<div id="conv-{gone.pk}" hx-swap-oob="delete"></div>' in html
    assert f'id="contact-details-{keep.pk}"' in html


def test_a_large_batch_is_split_into_frames_of_at_most_the_given_items_in_order():
    first, second = make_conversation(), make_conversation()
    messages = [make_message(conversation=first if n % 3 else second) for n in range(12)]
    Conversation.objects.filter(pk=first.pk).update(unread_count=8)
    parts = frames.render_frames(
        Changes(new_messages=[m.pk for m in messages], conversations=[first.pk, second.pk]), items=5
    )
    assert len(parts) > 1
    for html in parts:
        assert len(re.findall(r'<div id="msg-\d+"', html)) + len(re.findall(r'<a id="conv-\d+"', html)) <= 5
    found = [int(pk) for html in parts for pk in re.findall(r'<div id="msg-(\d+)"', html)]
    assert sorted(found) == sorted(m.pk for m in messages) and len(found) == len(set(found))
    # Rows follow the messages they show, and the unread totals come once, at the end.
    assert "".join(parts).index(f'id="conv-{first.pk}"') > "".join(parts).index(f'id="msg-{messages[-1].pk}"')
    assert [html.count('id="unread-total"') for html in parts] == [0] * (len(parts) - 1) + [1]


def test_splitting_into_frames_costs_no_more_queries(django_assert_max_num_queries):
    conversation = make_conversation()
    messages = [make_message(conversation=conversation) for _ in range(30)]
    with django_assert_max_num_queries(7):
        parts = frames.render_frames(
            Changes(new_messages=[m.pk for m in messages], conversations=[conversation.pk]), items=4
        )
    assert len(parts) == 8  # 30 messages and a row, 4 to a frame


def test_rows_of_conversations_whose_newest_message_is_in_the_frame_cost_no_query(django_assert_num_queries):
    conversation = make_conversation()
    message = make_message(conversation=conversation, text_body="Newest")
    Conversation.objects.filter(pk=conversation.pk).update(last_message=message, unread_count=1)
    # The messages (with their conversations), reactions to them, and the unread totals.
    with django_assert_num_queries(3):
        html = frames.render(Changes(new_messages=[message.pk], conversations=[conversation.pk]))
    row = html[html.index(f'<a id="conv-{conversation.pk}"') :]
    assert "Newest" in row[: row.index("</a>")]
