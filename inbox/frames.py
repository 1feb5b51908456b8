"""Renders one `realtime.Changes` into frames of htmx out-of-band swaps, from the same named
partials the views render, so a live update looks exactly like a reload.

What a frame holds:
- new messages, appended to `#thread-<conversation>` (a browser without that thread open drops
  them); a new reaction instead re-renders the message it reacts to;
- changed messages (status ticks, media state), replacing `#msg-<pk>`;
- conversation rows (`#conv-<pk>`, moved into place by the page's script), the contact details
  and the open thread's header (or only the message count) and the unread totals; rows of
  merged conversations removed;
- new notes appended to `#notes-<conversation>`, deleted notes removed.

It costs a fixed number of queries however many changes it carries and however many frames
they fill, and renders nothing per agent: every browser gets the same markup."""

import logging
from collections import defaultdict
from collections.abc import Iterable

from django.db import connection
from django.db.models import prefetch_related_objects
from django.template.loader import get_template

from inbox import conversation_lists, sql_rows, threads
from inbox.models import Conversation, Message, Note
from inbox.realtime import Changes
from inbox.sql_lists import placeholders

logger = logging.getLogger(__name__)

# Inbound messages worth a desktop notification.
QUIET_TYPES = ("reaction", "system", "request_welcome")


# Items per frame: a batch of webhook deliveries can change hundreds of messages, and one frame
# for all of them would exceed the websocket's 1 MiB frame limit and Redis's pub/sub buffers.
FRAME_ITEMS = 25


def render(changes: Changes) -> str:
    """Everything `changes` shows, as one piece of HTML."""
    return "\n".join(render_frames(changes))


def render_frames(changes: Changes, *, items: int = FRAME_ITEMS) -> list[str]:
    """`changes` as frames of at most `items` messages, rows and notes each, in order, with
    one set of queries for them all; the unread totals come last."""
    messages = _messages(changes.new_messages, changes.changed_messages)
    new = [messages[pk] for pk in dict.fromkeys(changes.new_messages) if pk in messages]
    new_pks = {m.pk for m in new}
    changed = [messages[pk] for pk in dict.fromkeys(changes.changed_messages) if pk in messages and pk not in new_pks]

    appended = [m for m in new if m.message_type != threads.REACTION]
    replaced = [m for m in changed if m.message_type != threads.REACTION]
    reactions = [m for m in new + changed if m.message_type == threads.REACTION]
    on_hand = {m.pk for m in appended + replaced}
    replaced += [t for t in threads.reaction_targets(reactions) if t.pk not in on_hand]
    threads.decorate(appended + replaced)

    conversation_pks = list(dict.fromkeys(changes.conversations + changes.contacts))
    # A status change of a conversation's newest message shows in its row (the ticks).
    conversation_pks += [
        m.conversation_id for m in changed if m.conversation.last_message_id == m.pk and m.conversation_id not in conversation_pks
    ]
    # (items it counts as, html)
    parts: list[tuple[int, str]] = []
    parts += _appended_messages(appended, items)
    parts += [(1, _render("message", message=m, oob=True)) for m in replaced]
    parts += _conversations(conversation_pks, contacts=set(changes.contacts), notify=_notifiable(new), messages=messages)
    parts += [(1, f'<div id="conv-{int(pk)}" hx-swap-oob="delete"></div>') for pk in dict.fromkeys(changes.deleted_conversations)]
    parts += _new_notes(changes.new_notes)
    parts += [(1, f'<div id="note-{int(pk)}" hx-swap-oob="delete"></div>') for pk in dict.fromkeys(changes.deleted_notes)]
    if conversation_pks:
        totals = get_template("inbox/inbox.html#unread-total").render({"unread": conversation_lists.unread_totals(), "oob": True})
        parts.append((0, totals))
    return _pack(parts, items)


def _pack(parts: list[tuple[int, str]], items: int) -> list[str]:
    frames: list[list[str]] = []
    count = items
    for weight, html in parts:
        if count + weight > items:
            frames.append([])
            count = 0
        frames[-1].append(html.strip())
        count += weight
    return ["\n".join(frame) for frame in frames]


def _messages(*pk_lists: Iterable[int]) -> dict[int, Message]:
    """The messages with their conversations and authors, as the commit left them. Plain SQL:
    every frame reads them back, and the ORM compiled this join anew each time, at a cost above
    running it."""
    pks = {pk for pks in pk_lists for pk in pks}
    if not pks:
        return {}
    author = Message._meta.get_field("author").related_model
    quote = connection.ops.quote_name
    found = sql_rows.rows(
        f"SELECT {sql_rows.columns(Message, 'm')}, {sql_rows.columns(Conversation, 'c')},"
        f" {sql_rows.columns(author, 'u')} FROM {quote(Message._meta.db_table)} m"
        f" JOIN {quote(Conversation._meta.db_table)} c ON c.id = m.conversation_id"
        f" LEFT JOIN {quote(author._meta.db_table)} u ON u.id = m.author_id"
        f" WHERE m.id IN ({placeholders(pks)})",
        list(pks),
        Message,
        Conversation,
        author,
    )
    for message, conversation, user in found:
        message.conversation = conversation
        message.author = user
    return {message.pk: message for message, _, _ in found}


def _render(partial: str, **context) -> str:
    return get_template(f"inbox/conversation.html#{partial}").render(context)


def _appended_messages(messages: list[Message], items: int) -> list[tuple[int, str]]:
    by_thread: dict[int, list[Message]] = defaultdict(list)
    for message in sorted(messages, key=lambda m: (m.timestamp, m.pk)):
        by_thread[message.conversation_id].append(message)
    # One render per thread (per frame's worth of it), not per message: each template render
    # has a fixed cost of its own.
    template = get_template("inbox/conversation.html#appended-messages")
    return [
        (len(chunk), template.render({"conversation_pk": pk, "messages": chunk}))
        for pk, thread in by_thread.items()
        for chunk in (thread[start : start + items] for start in range(0, len(thread), items))
    ]


def _notifiable(new: list[Message]) -> dict[int, Message]:
    """The newest customer message per conversation, for desktop notifications."""
    latest: dict[int, Message] = {}
    for message in new:
        if message.is_inbound and message.message_type not in QUIET_TYPES:
            current = latest.get(message.conversation_id)
            if current is None or (message.timestamp, message.pk) > (current.timestamp, current.pk):
                latest[message.conversation_id] = message
    return latest


def _conversations(
    pks: list[int], *, contacts: set[int], notify: dict[int, Message], messages: dict[int, Message]
) -> list[tuple[int, str]]:
    """Each conversation's row; the contact panel and the thread's header in full only where
    contact details changed, otherwise just the message count (a new message changes nothing
    else there)."""
    if not pks:
        return []
    # The messages came with their conversations, read after the same commit; a conversation
    # whose newest message is among them needs no query of its own.
    found = {}
    for message in messages.values():
        conversation = message.conversation
        if conversation.last_message_id in messages:
            conversation.last_message = messages[conversation.last_message_id]
            found[conversation.pk] = conversation
    missing = [pk for pk in pks if pk not in found]
    if missing:
        found |= {c.pk: c for c in Conversation.objects.filter(pk__in=missing).select_related("last_message")}
    # Only the full contact panel lists former numbers.
    prefetch_related_objects([found[pk] for pk in contacts if pk in found], "former_numbers")
    row = get_template("inbox/inbox.html#conversation-row")
    identity = get_template("inbox/conversation.html#conversation-identity")
    details = get_template("inbox/conversation.html#contact-details")
    parts = []
    for pk in pks:
        conversation = found.get(pk)
        if conversation is None:
            continue
        html = row.render({"conversation": conversation, "oob": True, "notify": notify.get(pk)})
        if pk in contacts:
            context = {"conversation": conversation, "oob": True}
            html += identity.render(context) + details.render(context)
        else:
            html += f'<dd id="message-count-{pk}" hx-swap-oob="true">{int(conversation.message_count)}</dd>'
        parts.append((1, html))
    return parts


def _new_notes(pks: list[int]) -> list[tuple[int, str]]:
    if not pks:
        return []
    notes = Note.objects.filter(pk__in=pks).select_related("author").order_by("created_at", "pk")
    template = get_template("inbox/conversation.html#note")
    return [
        (1, f'<div hx-swap-oob="beforeend:#notes-{note.conversation_id}">{template.render({"note": note})}</div>')
        for note in notes
    ]
