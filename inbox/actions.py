"""Writes that other agents must see. Each one updates the database in a transaction and then
broadcasts the change through `inbox.realtime`, which waits for the commit.

Idempotency lives in the database: a message is unique on (business number, wamid), a status
event on (wamid, status), and counters move in single UPDATE statements."""

import logging
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, models, transaction
from django.db.models import Case, F, Max, Q, Value, When
from django.db.models.functions import Greatest
from django.utils import timezone

from inbox import realtime, statuses
from inbox.models import Conversation, FormerNumber, Message, Note, StatusEvent

logger = logging.getLogger(__name__)

# Inbound types that are not something for staff to read: they don't raise the unread count.
NOT_UNREAD_TYPES = ("reaction", "system", "request_welcome")
# Inbound types that don't come from the customer typing, so they don't open the 24-hour window.
NO_WINDOW_TYPES = ("system",)


def lock_wamid(message_id: str) -> None:
    """Serialise work on one wamid until the transaction ends (PostgreSQL only; SQLite already
    serialises writers). Closes the race where a status webhook and the send that created the
    message commit at the same moment and each misses the other."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [message_id])


def find_conversation(*, phone_number_id: str, wa_id: str | None, user_id: str | None) -> Conversation | None:
    if wa_id:
        found = Conversation.objects.filter(phone_number_id=phone_number_id, phone_number=wa_id).first()
        if found:
            return found
        former = FormerNumber.objects.filter(phone_number_id=phone_number_id, wa_id=wa_id).first()
        if former:
            return former.conversation
    if user_id:
        return Conversation.objects.filter(phone_number_id=phone_number_id, user_id=user_id).first()
    return None


def get_or_create_conversation(
    *, phone_number_id: str, wa_id: str | None, user_id: str | None, name: str = ""
) -> Conversation:
    """The customer's conversation with this business number, created on first contact.
    Links a wa_id and a BSUID seen together. Call inside a transaction."""
    conversation = find_conversation(phone_number_id=phone_number_id, wa_id=wa_id, user_id=user_id)
    if conversation is None:
        key = {"phone_number": wa_id} if wa_id else {"user_id": user_id}
        conversation, _ = Conversation.objects.get_or_create(
            phone_number_id=phone_number_id,
            **key,
            defaults={"contact_name": name, "user_id": user_id, "phone_number": wa_id},
        )
    updates: dict[str, Any] = {}
    if name and conversation.contact_name != name:
        updates["contact_name"] = name
    if user_id and not conversation.user_id:
        updates["user_id"] = user_id
    if wa_id and not conversation.phone_number:
        updates["phone_number"] = wa_id
    if updates:
        try:
            with transaction.atomic():
                Conversation.objects.filter(pk=conversation.pk).update(**updates)
        except IntegrityError:
            # The id already belongs to another conversation; keep the name at least.
            updates = {"contact_name": name} if "contact_name" in updates else {}
            Conversation.objects.filter(pk=conversation.pk).update(**updates)
        for attr, value in updates.items():
            setattr(conversation, attr, value)
    return conversation


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
    with transaction.atomic():
        conversation = get_or_create_conversation(
            phone_number_id=phone_number_id, wa_id=from_number, user_id=from_user_id, name=from_name
        )
        message, created = _insert_message(
            conversation=conversation,
            phone_number_id=phone_number_id,
            message_id=message_id,
            direction=Message.INBOUND,
            message_type=message_type,
            timestamp=timestamp,
            from_number=from_number,
            from_user_id=from_user_id,
            from_name=from_name,
            status=statuses.RECEIVED,
            **(fields or {}),
        )
        if created:
            _count_message(message)
            pending = changes if changes is not None else realtime.Changes()
            pending.new_messages.append(message.pk)
            pending.conversations.append(conversation.pk)
            if changes is None:
                realtime.broadcast(pending)
    return message, created


def _insert_message(**values: Any) -> tuple[Message, bool]:
    """Insert unless (business number, wamid) exists; the unique constraint decides, so two
    deliveries racing in parallel still leave one row."""
    try:
        with transaction.atomic():
            return Message.objects.create(**values), True
    except IntegrityError:
        existing = Message.objects.filter(
            phone_number_id=values["phone_number_id"], message_id=values["message_id"]
        ).first()
        if existing is None:
            raise
        return existing, False


def _count_message(message: Message) -> None:
    """Fold a newly stored message into its conversation's counters in one UPDATE, ordered by
    Meta's timestamps so a late delivery of an older message doesn't become the newest."""
    ts = message.timestamp
    is_newest = Q(last_message_at__isnull=True) | Q(last_message_at__lte=ts)
    updates: dict[str, Any] = {
        "message_count": F("message_count") + 1,
        "last_message_at": Case(
            When(is_newest, then=Value(ts)), default=F("last_message_at"), output_field=models.DateTimeField()
        ),
        "last_message": Case(
            When(is_newest, then=Value(message.pk)), default=F("last_message"), output_field=models.BigIntegerField()
        ),
    }
    if message.is_inbound:
        if message.message_type not in NOT_UNREAD_TYPES:
            updates["unread_count"] = F("unread_count") + 1
        if message.message_type not in NO_WINDOW_TYPES:
            updates["last_inbound_at"] = Case(
                When(last_inbound_at__isnull=True, then=Value(ts)),
                default=Greatest(F("last_inbound_at"), Value(ts)),
                output_field=models.DateTimeField(),
            )
    Conversation.objects.filter(pk=message.conversation_id).update(**updates)


def record_outbound_message(
    *, conversation: Conversation, message_id: str, message_type: str, author=None, **fields: Any
) -> Message:
    """Store a message the Graph API accepted, apply status webhooks that arrived before it,
    and broadcast it."""
    with transaction.atomic():
        message, created = _insert_message(
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
        if created:
            _count_message(message)
            lock_wamid(message_id)
            apply_pending_statuses(message)
            realtime.broadcast(realtime.Changes(new_messages=[message.pk], conversations=[conversation.pk]))
    message.refresh_from_db()
    return message


def apply_pending_statuses(message: Message) -> None:
    """Raise a message to the best status already recorded for its wamid."""
    events = StatusEvent.objects.filter(message_id=message.message_id)
    best = max(events, key=lambda e: statuses.rank(e.status) or -1, default=None)
    if best is not None:
        Message.objects.filter(pk=message.pk).advance_status(
            best.status, error_code=best.error_code, error_message=best.error_message
        )


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
    with transaction.atomic():
        try:
            with transaction.atomic():
                StatusEvent.objects.create(
                    message_id=message_id,
                    phone_number_id=phone_number_id,
                    recipient_number=recipient_number,
                    status=status,
                    timestamp=timestamp,
                    error_code=error_code,
                    error_message=error_message,
                    payload=payload or {},
                )
        except IntegrityError:
            return False
        messages = Message.objects.filter(phone_number_id=phone_number_id, message_id=message_id)
        changed = messages.advance_status(status, error_code=error_code, error_message=error_message)
        if not changed and not messages.exists():
            lock_wamid(message_id)
            changed = messages.advance_status(status, error_code=error_code, error_message=error_message)
        if changed:
            pending = changes if changes is not None else realtime.Changes()
            pending.changed_messages.extend(messages.values_list("pk", flat=True))
            if changes is None:
                realtime.broadcast(pending)
    return True


def change_customer_number(
    *, conversation: Conversation, new_wa_id: str | None, new_user_id: str | None, changed_at: datetime
) -> Conversation:
    """Follow the customer to a new number or BSUID, keeping the history in one conversation.
    If the customer already wrote from the new id (webhooks are not ordered), the two
    conversations are merged into this one."""
    with transaction.atomic():
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
        if new_user_id and new_user_id != conversation.user_id:
            other = Conversation.objects.filter(
                phone_number_id=conversation.phone_number_id, user_id=new_user_id
            ).first()
            if other:
                merge_conversations(keep=conversation, other=other)
            conversation.user_id = new_user_id
        conversation.save(update_fields=["phone_number", "user_id"])
        realtime.broadcast(realtime.Changes(conversations=[conversation.pk]))
    return conversation


def merge_conversations(*, keep: Conversation, other: Conversation) -> None:
    """Move everything of `other` into `keep`, recount, and delete `other`. Call inside a transaction."""
    Message.objects.filter(conversation=other).update(conversation=keep)
    Note.objects.filter(conversation=other).update(conversation=keep)
    FormerNumber.objects.filter(conversation=other).update(conversation=keep)
    if other.phone_number:
        FormerNumber.objects.get_or_create(
            phone_number_id=other.phone_number_id,
            wa_id=other.phone_number,
            defaults={"conversation": keep, "changed_at": timezone.now()},
        )
    keep.unread_count += other.unread_count
    other.delete()
    recount(keep)


def recount(conversation: Conversation) -> None:
    """Recompute a conversation's derived fields from its messages."""
    messages = Message.objects.filter(conversation=conversation)
    last = messages.order_by("-timestamp", "-id").first()
    inbound = messages.filter(direction=Message.INBOUND).exclude(message_type__in=NO_WINDOW_TYPES)
    Conversation.objects.filter(pk=conversation.pk).update(
        message_count=messages.count(),
        unread_count=conversation.unread_count,
        last_message=last,
        last_message_at=last.timestamp if last else None,
        last_inbound_at=inbound.aggregate(at=Max("timestamp"))["at"],
    )


def mark_read(*, conversation: Conversation) -> list[Message]:
    """Mark the customer's messages read and the unread count 0. Returns the messages that
    changed, newest last (the newest one is what a read receipt to Meta names)."""
    with transaction.atomic():
        unread = Message.objects.filter(
            conversation=conversation, direction=Message.INBOUND, status=statuses.RECEIVED
        ).order_by("timestamp", "id")
        changed = list(unread)
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
        realtime.broadcast(realtime.Changes(conversations=[conversation.pk]))


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
