"""Writes that other agents must see. Each one updates the database in a transaction and then
broadcasts the change through `inbox.realtime`, which waits for the commit.

Idempotency lives in the database: a message is unique on (business number, wamid), a status
event on (wamid, status), and counters move in single UPDATE statements."""

import logging
from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from inbox import conversations, receive, realtime, statuses
from inbox.models import Conversation, FormerNumber, Message, Note

logger = logging.getLogger(__name__)

def receive_message(
    *,
    phone_number_id: str,
    message_id: str,
    message_type: str,
    timestamp: datetime,
    from_number: str | None,
    from_user_id: str | None,
    from_name: str = "",
    fields: dict[str, Any] | None = None,
    changes: realtime.Changes | None = None,
) -> tuple[Message, bool]:
    """Store an inbound message once. Returns (message, created); a duplicate changes nothing.
    `fields` holds the remaining Message fields (text_body, media_*, location, reply_to, ...).
    Pass `changes` to collect the broadcast for a batch; otherwise it is sent here."""
    item = receive.Incoming(
        phone_number_id=phone_number_id,
        message_id=message_id,
        message_type=message_type,
        timestamp=timestamp,
        from_number=from_number,
        from_user_id=from_user_id,
        from_name=from_name,
        fields=fields or {},
    )
    with transaction.atomic():
        pending = changes if changes is not None else realtime.Changes()
        [(message, created)] = receive.receive_messages([item], changes=pending)
        if changes is None:
            realtime.broadcast(pending)
    return message, created


def record_outbound_message(
    *, conversation: Conversation, message_id: str, message_type: str, author=None, **fields: Any
) -> Message:
    """Store a message the Graph API accepted, apply status webhooks that arrived before it,
    and broadcast it."""
    with transaction.atomic():
        message = Message(
            conversation=conversation,
            phone_number_id=conversation.phone_number_id,
            message_id=message_id,
            direction=Message.OUTBOUND,
            message_type=message_type,
            timestamp=fields.pop("timestamp", None) or timezone.now(),
            status=statuses.ACCEPTED,
            status_rank=statuses.rank(statuses.ACCEPTED),
            author=author,
            **fields,
        )
        if receive.insert_messages([message]):
            receive.count_messages([message])
            receive.lock_wamid(message_id)
            receive.apply_pending_statuses(message)
            realtime.broadcast(realtime.Changes(new_messages=[message.pk], conversations=[conversation.pk]))
        else:
            message = Message.objects.get(phone_number_id=conversation.phone_number_id, message_id=message_id)
    message.refresh_from_db()
    return message


def record_status(
    *,
    phone_number_id: str,
    message_id: str,
    status: str,
    timestamp: datetime,
    recipient_number: str | None = None,
    error_code: int | None = None,
    error_message: str = "",
    payload: dict | None = None,
    changes: realtime.Changes | None = None,
) -> bool:
    """Keep a status event once and move its message's status forward. Returns True when the
    event was new. Events for messages not stored yet wait for `apply_pending_statuses`."""
    item = receive.Status(
        phone_number_id=phone_number_id,
        message_id=message_id,
        status=status,
        timestamp=timestamp,
        recipient_number=recipient_number,
        error_code=error_code,
        error_message=error_message,
        payload=payload or {},
    )
    with transaction.atomic():
        pending = changes if changes is not None else realtime.Changes()
        created = receive.record_statuses([item], changes=pending)
        if changes is None:
            realtime.broadcast(pending)
    return bool(created)


def change_customer_number(
    *, conversation: Conversation, new_wa_id: str | None, new_user_id: str | None, changed_at: datetime
) -> Conversation:
    """Follow the customer to a new number or BSUID, keeping the history in one conversation.
    If the customer already wrote from the new id (webhooks are not ordered), the two
    conversations are merged into this one."""
    with transaction.atomic():
        # A first message from the new id may be creating its conversation right now.
        number = conversation.phone_number_id
        conversations.lock_customers([(number, new_wa_id), (number, new_user_id)])
        conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
        if new_wa_id and new_wa_id != conversation.phone_number:
            other = Conversation.objects.filter(
                phone_number_id=conversation.phone_number_id, phone_number=new_wa_id
            ).first()
            if other:
                merge_conversations(keep=conversation, other=other)
            if conversation.phone_number:
                FormerNumber.objects.get_or_create(
                    phone_number_id=conversation.phone_number_id,
                    wa_id=conversation.phone_number,
                    defaults={"conversation": conversation, "changed_at": changed_at},
                )
            conversation.phone_number = new_wa_id
            # A merge above recorded the other thread's number as former; it is current now.
            FormerNumber.objects.filter(phone_number_id=conversation.phone_number_id, wa_id=new_wa_id).delete()
        if new_user_id and new_user_id != conversation.user_id:
            other = Conversation.objects.filter(
                phone_number_id=conversation.phone_number_id, user_id=new_user_id
            ).first()
            if other:
                merge_conversations(keep=conversation, other=other)
            conversation.user_id = new_user_id
        conversation.save(update_fields=["phone_number", "user_id"])
        realtime.broadcast(realtime.Changes(conversations=[conversation.pk], contacts=[conversation.pk]))
    return conversation


def merge_conversations(*, keep: Conversation, other: Conversation) -> None:
    """Move everything of `other` into `keep`, recount, and delete `other`. Call inside a
    transaction. Does nothing if `other` is already gone (a concurrent delivery merged it)."""
    # Lock both rows and read their counters now: the callers' copies may predate
    # concurrent deliveries that raised the unread counts since.
    rows = Conversation.objects.select_for_update().filter(pk__in=[keep.pk, other.pk]).order_by("pk")
    unread = {row.pk: row.unread_count for row in rows}
    if other.pk not in unread:
        return
    Message.objects.filter(conversation=other).update(conversation=keep)
    Note.objects.filter(conversation=other).update(conversation=keep)
    FormerNumber.objects.filter(conversation=other).update(conversation=keep)
    if other.phone_number:
        FormerNumber.objects.get_or_create(
            phone_number_id=other.phone_number_id,
            wa_id=other.phone_number,
            defaults={"conversation": keep, "changed_at": timezone.now()},
        )
    keep.unread_count = unread[keep.pk] + unread[other.pk]
    other_pk = other.pk
    other.delete()
    recount(keep)
    realtime.broadcast(
        realtime.Changes(deleted_conversations=[other_pk], conversations=[keep.pk], contacts=[keep.pk])
    )


def recount(conversation: Conversation) -> None:
    """Recompute a conversation's derived fields from its messages."""
    messages = Message.objects.filter(conversation=conversation)
    last = messages.order_by("-timestamp", "-id").first()
    inbound = messages.filter(direction=Message.INBOUND).exclude(message_type__in=receive.NO_WINDOW_TYPES)
    Conversation.objects.filter(pk=conversation.pk).update(
        message_count=messages.count(),
        unread_count=conversation.unread_count,
        last_message=last,
        last_message_at=last.timestamp if last else None,
        last_inbound_at=inbound.aggregate(at=Max("timestamp"))["at"],
    )


def mark_read(*, conversation: Conversation) -> list[Message]:
    """Mark the customer's messages read and the unread count 0. Returns the messages that
    changed, newest last (the newest one is what a read receipt to Meta names). Pass the
    conversation as just loaded: with nothing unread and its unread count 0, nothing is written."""
    unread = Message.objects.filter(
        conversation=conversation, direction=Message.INBOUND, status=statuses.RECEIVED
    ).order_by("timestamp", "id")
    changed = list(unread)
    # Reopening a conversation that is already read is the usual case: no transaction and no
    # UPDATE (which, as no index holds the status, would read the whole thread again).
    if not changed and not conversation.unread_count:
        return []
    with transaction.atomic():
        if changed:
            unread.update(status=statuses.READ_BY_STAFF)
        count = Conversation.objects.filter(pk=conversation.pk).exclude(unread_count=0).update(unread_count=0)
        conversation.unread_count = 0
        if changed or count:
            realtime.broadcast(realtime.Changes(conversations=[conversation.pk]))
    return changed


def mark_unread(*, conversation: Conversation) -> None:
    with transaction.atomic():
        Conversation.objects.filter(pk=conversation.pk, unread_count=0).update(unread_count=1)
        conversation.refresh_from_db(fields=["unread_count"])
        realtime.broadcast(realtime.Changes(conversations=[conversation.pk]))


def update_contact(*, conversation: Conversation, customer_email: str, notes: str | None = None) -> None:
    with transaction.atomic():
        conversation.customer_email = customer_email
        fields = ["customer_email"]
        if notes is not None:
            conversation.notes = notes
            fields.append("notes")
        conversation.save(update_fields=fields)
        realtime.broadcast(realtime.Changes(conversations=[conversation.pk], contacts=[conversation.pk]))


def add_note(*, conversation: Conversation, author, body: str) -> Note:
    with transaction.atomic():
        note = Note.objects.create(conversation=conversation, author=author, body=body)
        realtime.broadcast(realtime.Changes(new_notes=[note.pk]))
    return note


def delete_note(*, note: Note) -> None:
    with transaction.atomic():
        pk, conversation_pk = note.pk, note.conversation_id
        note.delete()
        realtime.broadcast(realtime.Changes(deleted_notes=[pk], conversations=[conversation_pk]))
