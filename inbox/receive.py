"""Storing inbound messages and status events in batches: a handful of queries per batch
instead of a dozen per message, so one process keeps up with a fully upgraded number.

Exactly-once still rests on the unique constraints: wamids already stored are skipped, and if a
concurrent delivery inserts the same wamid first, the batch insert fails inside its savepoint and
the batch falls back to inserting one row at a time. Call everything here inside a transaction."""

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

from inbox import conversations, message_lookups, realtime, statuses
from inbox.models import Conversation, Message, StatusEvent

logger = logging.getLogger(__name__)

# Inbound types that are not something for staff to read: they don't raise the unread count.
NOT_UNREAD_TYPES = ("reaction", "system", "request_welcome")
# Inbound types that don't come from the customer typing, so they don't open the 24-hour window.
NO_WINDOW_TYPES = ("system",)


@dataclass(frozen=True)
class Incoming:
    """An inbound message as the transport delivered it; `fields` holds the remaining Message
    fields (text_body, media_*, location, reply_to, payload, ...)."""

    phone_number_id: str
    message_id: str
    message_type: str
    timestamp: datetime
    from_number: str | None
    from_user_id: str | None
    from_name: str = ""
    fields: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Status:
    phone_number_id: str
    message_id: str
    status: str
    timestamp: datetime
    recipient_number: str | None = None
    error_code: int | None = None
    error_message: str = ""
    payload: dict = field(default_factory=dict)


def receive_messages(items: Sequence[Incoming], *, changes: realtime.Changes) -> list[tuple[Message, bool]]:
    """Store each inbound message once; returns (message, created) per item, in order.
    Duplicates (already stored, or twice in `items`) change nothing."""
    if not items:
        return []
    # Each sender's profile as their newest message in the batch gives it.
    newest: dict[conversations.Sender, Incoming] = {}
    for item in items:
        sender = (item.phone_number_id, item.from_number, item.from_user_id)
        if sender not in newest or item.timestamp >= newest[sender].timestamp:
            newest[sender] = item
    renamed: set[int] = set()
    by_sender = conversations.for_senders(
        {sender: item.from_name for sender, item in newest.items()},
        sent_at={sender: item.timestamp for sender, item in newest.items()},
        changed=renamed,
    )
    changes.contacts.extend(sorted(renamed))
    existing = _existing_messages(items)
    new: dict[tuple[str, str], Message] = {}
    for item in items:
        key = (item.phone_number_id, item.message_id)
        if key in existing or key in new:
            continue
        conversation = by_sender[(item.phone_number_id, item.from_number, item.from_user_id)]
        new[key] = Message(
            conversation=conversation,
            phone_number_id=item.phone_number_id,
            message_id=item.message_id,
            direction=Message.INBOUND,
            message_type=item.message_type,
            timestamp=item.timestamp,
            from_number=item.from_number,
            from_user_id=item.from_user_id,
            from_name=item.from_name,
            status=statuses.RECEIVED,
            **item.fields,
        )
    created = insert_messages(list(new.values()))
    count_messages(created)
    for message in created:
        changes.new_messages.append(message.pk)
        changes.conversations.append(message.conversation_id)
    created_keys = {(m.phone_number_id, m.message_id): m for m in created}
    stored = {**existing, **created_keys}
    results = []
    reported: set[tuple[str, str]] = set()
    for item in items:
        key = (item.phone_number_id, item.message_id)
        is_new = key in created_keys and key not in reported
        reported.add(key)
        results.append((stored.get(key) or _get(key), is_new))
    return results


def _get(key: tuple[str, str]) -> Message:
    return Message.objects.get(phone_number_id=key[0], message_id=key[1])


def _existing_messages(items: Sequence[Incoming]) -> dict[tuple[str, str], Message]:
    keys = {(i.phone_number_id, i.message_id) for i in items}
    found = message_lookups.by_wamid({wamid for _, wamid in keys})
    return {key: m for m in found if (key := (m.phone_number_id, m.message_id)) in keys}


def insert_messages(messages: list[Message]) -> list[Message]:
    """Insert the messages and return those that were inserted. One statement when no
    concurrent delivery got there first; otherwise row by row, skipping the ones it stored."""
    if not messages:
        return []
    try:
        with transaction.atomic():
            return Message.objects.bulk_create(messages)
    except IntegrityError:
        logger.info("concurrent delivery of a batch; inserting %d messages one by one", len(messages))
    inserted = []
    for message in messages:
        message.pk = None
        try:
            with transaction.atomic():
                message.save(force_insert=True)
        except IntegrityError:
            continue
        inserted.append(message)
    return inserted


def count_messages(messages: Sequence[Message]) -> None:
    """Fold newly stored messages into their conversations' counters in one UPDATE, computed
    in SQL against the rows' current values, so concurrent batches add up and a late delivery
    of an older message never becomes the newest (Meta's timestamps)."""
    if not messages:
        return
    by_conversation: dict[int, list[Message]] = defaultdict(list)
    for message in messages:
        by_conversation[message.conversation_id].append(message)
    adapt = connection.ops.adapt_datetimefield_value
    rows = []
    for conversation_id, group in sorted(by_conversation.items()):
        newest = max(group, key=lambda m: (m.timestamp, m.pk))
        unread = sum(1 for m in group if m.is_inbound and m.message_type not in NOT_UNREAD_TYPES)
        window = [m.timestamp for m in group if m.is_inbound and m.message_type not in NO_WINDOW_TYPES]
        inbound_at = adapt(max(window)) if window else None
        rows.append((len(group), unread, adapt(newest.timestamp), newest.pk, inbound_at, conversation_id))
    update = f"""UPDATE {Conversation._meta.db_table} AS c SET
        message_count = c.message_count + v.added,
        unread_count = c.unread_count + v.unread,
        last_message_id = CASE WHEN c.last_message_at IS NULL OR c.last_message_at <= v.newest_at
                          THEN v.newest_id ELSE c.last_message_id END,
        last_message_at = CASE WHEN c.last_message_at IS NULL OR c.last_message_at <= v.newest_at
                          THEN v.newest_at ELSE c.last_message_at END,
        last_inbound_at = CASE WHEN v.inbound_at IS NULL THEN c.last_inbound_at
                          WHEN c.last_inbound_at IS NULL OR c.last_inbound_at < v.inbound_at
                          THEN v.inbound_at ELSE c.last_inbound_at END
        FROM {{values}} WHERE c.id = v.id"""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # One statement for the whole batch; executemany would be a round trip per row.
            values = (
                "unnest(%s::int[], %s::int[], %s::timestamptz[], %s::bigint[], %s::timestamptz[], %s::bigint[])"
                " AS v(added, unread, newest_at, newest_id, inbound_at, id)"
            )
            cursor.execute(update.format(values=values), [list(column) for column in zip(*rows, strict=True)])
        else:
            values = "(SELECT %s AS added, %s AS unread, %s AS newest_at, %s AS newest_id, %s AS inbound_at, %s AS id) AS v"
            cursor.executemany(update.format(values=values), rows)


def record_statuses(items: Sequence[Status], *, changes: realtime.Changes) -> int:
    """Keep each status event once and move its message's status forward. Returns how many
    events were new. Events for messages not stored yet wait for `apply_pending_statuses`."""
    if not items:
        return 0
    keys = {(s.message_id, s.status) for s in items}
    existing = set(
        StatusEvent.objects.filter(message_id__in={k[0] for k in keys}).values_list("message_id", "status")
    )
    new: dict[tuple[str, str], Status] = {}
    for item in items:
        key = (item.message_id, item.status)
        if key not in existing and key not in new:
            new[key] = item
    created = _insert_events(list(new.values()))
    # Advancing to the best new status per wamid equals applying them all in any order.
    best: dict[tuple[str, str], Status] = {}
    for item in created:
        key = (item.phone_number_id, item.message_id)
        if statuses.rank(item.status) is None:
            continue
        if key not in best or statuses.rank(item.status) > statuses.rank(best[key].status):
            best[key] = item
    for (phone_number_id, message_id), item in sorted(best.items()):
        messages = Message.objects.filter(phone_number_id=phone_number_id, message_id=message_id)
        changed = messages.advance_status(item.status, error_code=item.error_code, error_message=item.error_message)
        if not changed:
            # The message may have committed since the UPDATE began (an exists() check now
            # would see it, yet the UPDATE missed it, and the send missed our uncommitted
            # event): behind the send's lock, the UPDATE sees whatever it committed.
            lock_wamid(message_id)
            changed = messages.advance_status(
                item.status, error_code=item.error_code, error_message=item.error_message
            )
        if changed:
            changes.changed_messages.extend(messages.values_list("pk", flat=True))
    return len(created)


def _insert_events(items: list[Status]) -> list[Status]:
    def build(item: Status) -> StatusEvent:
        return StatusEvent(
            message_id=item.message_id,
            phone_number_id=item.phone_number_id,
            recipient_number=item.recipient_number,
            status=item.status,
            timestamp=item.timestamp,
            error_code=item.error_code,
            error_message=item.error_message,
            payload=item.payload,
        )

    if not items:
        return []
    try:
        with transaction.atomic():
            StatusEvent.objects.bulk_create([build(item) for item in items])
            return items
    except IntegrityError:
        logger.info("concurrent delivery of statuses; inserting %d one by one", len(items))
    inserted = []
    for item in items:
        try:
            with transaction.atomic():
                build(item).save(force_insert=True)
        except IntegrityError:
            continue
        inserted.append(item)
    return inserted


def lock_wamid(message_id: str) -> None:
    """Serialise work on one wamid until the transaction ends (PostgreSQL only; SQLite already
    serialises writers). Closes the race where a status webhook and the send that created the
    message commit at the same moment and each misses the other."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(hashtext(%s))", [message_id])


def apply_pending_statuses(message: Message) -> None:
    """Raise a message to the best status already recorded for its wamid."""
    events = StatusEvent.objects.filter(message_id=message.message_id)
    best = max(events, key=lambda e: statuses.rank(e.status) or -1, default=None)
    if best is not None:
        Message.objects.filter(pk=message.pk).advance_status(
            best.status, error_code=best.error_code, error_message=best.error_message
        )
