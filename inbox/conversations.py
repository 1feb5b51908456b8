"""Finding the conversation a customer's message belongs to, for one sender or a batch.

A conversation is keyed by the business number and the customer's wa_id, or their BSUID when
Meta withholds the number. A wa_id and a BSUID seen together are linked; a former number (after
`user_changed_number`) still leads to the same conversation. Call inside a transaction."""

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.db import IntegrityError, connection, transaction

from inbox import sql_rows
from inbox.models import Conversation, FormerNumber
from inbox.sql_lists import placeholders

Sender = tuple[str, str | None, str | None]  # (phone_number_id, wa_id, user_id)


def for_senders(
    senders: dict[Sender, str], *, sent_at: dict[Sender, datetime] | None = None, changed: set[int] | None = None
) -> dict[Sender, Conversation]:
    """The conversation of each sender (mapped to their profile name), created on first
    contact; a few queries for the whole batch. The ids of existing conversations whose contact
    details changed (a new profile name, a newly linked id) are added to `changed`.

    `sent_at`: when each sender's newest message in the batch was sent. A name from a message
    older than the customer's newest stored one is not taken: Meta retries a delivery for up to
    a week, and its profile name may since have changed."""
    lock_customers([(s[0], s[1]) for s in senders] + [(s[0], s[2]) for s in senders])
    numbers = {s[0] for s in senders}
    wa_ids = {s[1] for s in senders if s[1]}
    user_ids = {s[2] for s in senders if s[2]}
    found = _by_customer_ids(numbers, wa_ids=wa_ids, user_ids=user_ids)
    by_wa_id = {(c.phone_number_id, c.phone_number): c for c in found if c.phone_number}
    by_user_id = {(c.phone_number_id, c.user_id): c for c in found if c.user_id}
    unmatched = {s[1] for s in senders if s[1] and (s[0], s[1]) not in by_wa_id}
    if unmatched:
        formers = FormerNumber.objects.filter(phone_number_id__in=numbers, wa_id__in=unmatched)
        for former in formers.select_related("conversation"):
            by_wa_id[(former.phone_number_id, former.wa_id)] = former.conversation

    _create_missing(senders, by_wa_id, by_user_id)
    result = {}
    for sender, name in senders.items():
        phone_number_id, wa_id, user_id = sender
        conversation = (wa_id and by_wa_id.get((phone_number_id, wa_id))) or (
            user_id and by_user_id.get((phone_number_id, user_id))
        )
        if not conversation:
            conversation = _create(phone_number_id=phone_number_id, wa_id=wa_id, user_id=user_id, name=name)
        elif wa_id and user_id:
            username_thread = by_user_id.get((phone_number_id, user_id))
            _join_username_thread(conversation, username_thread, by_wa_id, by_user_id, result)
        if not _is_current(conversation, (sent_at or {}).get(sender)):
            name = ""
        if _link(conversation, wa_id=wa_id, user_id=user_id, name=name) and changed is not None:
            changed.add(conversation.pk)
        if wa_id:
            by_wa_id.setdefault((phone_number_id, wa_id), conversation)
        if user_id:
            by_user_id.setdefault((phone_number_id, user_id), conversation)
        result[sender] = conversation
    return result


def _by_customer_ids(numbers: set[str], *, wa_ids: set[str], user_ids: set[str]) -> list[Conversation]:
    """The conversations of these business numbers with any of these wa_ids or BSUIDs. Plain
    SQL: every batch of webhook deliveries asks, and the ORM compiled the query anew each time
    (1.1 against 0.7 ms)."""
    ids = [(column, values) for column, values in (("phone_number", wa_ids), ("user_id", user_ids)) if values]
    if not numbers or not ids:
        return []
    matches = " OR ".join(f"{column} IN ({placeholders(values)})" for column, values in ids)
    return sql_rows.fetch(
        Conversation,
        f"WHERE phone_number_id IN ({placeholders(numbers)}) AND ({matches})",
        [*numbers, *(value for _, values in ids for value in values)],
    )


def lock_customers(keys: Iterable[tuple[str, str | None]]) -> None:
    """Serialise work on these (business number, wa_id or BSUID) customers until the
    transaction ends (PostgreSQL only; SQLite already serialises writers). Without it, a
    customer's first message and their number change, delivered in parallel, each miss the
    other's uncommitted conversation and the customer ends up with two. Taken in one order
    (by hash) so two batches naming the same customers can't deadlock on them."""
    names = sorted({f"{number}:{customer}" for number, customer in keys if customer})
    if not names or connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        # The two-key form: a key space apart from the wamid locks in inbox.receive.
        cursor.execute(
            "SELECT pg_advisory_xact_lock(1, h) FROM "
            "(SELECT DISTINCT hashtext(name) AS h FROM unnest(%s::text[]) AS name ORDER BY h) AS keys",
            [names],
        )


def _join_username_thread(conversation: Conversation, other: Conversation | None, *mappings: dict) -> None:
    """A message carrying both the number and the BSUID shows that the BSUID's username-only
    thread (from while Meta withheld the number) is this customer's: merge it in, and point
    the batch's lookups at the conversation that remains."""
    if other is None or other.pk == conversation.pk or other.phone_number:
        return
    from inbox.actions import merge_conversations  # actions → receive → conversations

    merge_conversations(keep=conversation, other=other)
    for mapping in mappings:
        for key, value in mapping.items():
            if value.pk == other.pk:
                mapping[key] = conversation


def _create_missing(senders: dict[Sender, str], by_wa_id: dict, by_user_id: dict) -> None:
    """Create the conversations of first-time customers in one INSERT and add them to the
    lookups. A row that collides with a unique id (a concurrent delivery, or two senders in the
    batch naming the same customer) is skipped and found by the lookup that follows."""
    new = {}
    for (phone_number_id, wa_id, user_id), name in senders.items():
        if (wa_id and (phone_number_id, wa_id) in by_wa_id) or (user_id and (phone_number_id, user_id) in by_user_id):
            continue
        if wa_id or user_id:
            new.setdefault(
                (phone_number_id, wa_id or user_id),
                Conversation(phone_number_id=phone_number_id, phone_number=wa_id, user_id=user_id, contact_name=name),
            )
    if not new:
        return
    Conversation.objects.bulk_create(new.values(), ignore_conflicts=True)
    wa_ids = {c.phone_number for c in new.values() if c.phone_number}
    user_ids = {c.user_id for c in new.values() if c.user_id}
    created = _by_customer_ids({c.phone_number_id for c in new.values()}, wa_ids=wa_ids, user_ids=user_ids)
    for conversation in created:
        if conversation.phone_number:
            by_wa_id.setdefault((conversation.phone_number_id, conversation.phone_number), conversation)
        if conversation.user_id:
            by_user_id.setdefault((conversation.phone_number_id, conversation.user_id), conversation)


def _create(*, phone_number_id: str, wa_id: str | None, user_id: str | None, name: str) -> Conversation:
    # get_or_create: a concurrent first message from the same customer finds the other's row.
    key = {"phone_number": wa_id} if wa_id else {"user_id": user_id}
    conversation, _ = Conversation.objects.get_or_create(
        phone_number_id=phone_number_id,
        **key,
        defaults={"contact_name": name, "user_id": user_id, "phone_number": wa_id},
    )
    return conversation


def _is_current(conversation: Conversation, sent_at: datetime | None) -> bool:
    newest = conversation.last_inbound_at
    return sent_at is None or newest is None or sent_at >= newest


def _link(conversation: Conversation, *, wa_id: str | None, user_id: str | None, name: str) -> bool:
    """Record a new profile name, and an id of the customer the conversation lacked. Returns
    True when the contact details changed."""
    updates: dict[str, Any] = {}
    if name and conversation.contact_name != name:
        updates["contact_name"] = name
    if user_id and not conversation.user_id:
        updates["user_id"] = user_id
    if wa_id and not conversation.phone_number:
        updates["phone_number"] = wa_id
    if not updates:
        return False
    try:
        with transaction.atomic():
            Conversation.objects.filter(pk=conversation.pk).update(**updates)
    except IntegrityError:
        # The id already belongs to another conversation; keep the name at least.
        updates = {"contact_name": name} if "contact_name" in updates else {}
        Conversation.objects.filter(pk=conversation.pk).update(**updates)
    for attr, value in updates.items():
        setattr(conversation, attr, value)
    return bool(updates)
