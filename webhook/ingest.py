"""Stored deliveries → inbox state, in one transaction per batch, idempotent on Meta's ids.

A delivery that raises is marked failed with the error and left for `replay_deliveries`; its
transaction rolls back whole, so a replay starts from a clean slate."""

import logging
import traceback
from collections.abc import Iterable
from datetime import datetime

from django.db import OperationalError, transaction
from django.db.models import F
from django.utils import timezone

from inbox import actions, realtime, receive
from inbox.models import Message
from webhook import payload
from webhook.models import Delivery

logger = logging.getLogger(__name__)


# PostgreSQL's deadlock_detected and serialization_failure: the transaction lost a race with a
# concurrent delivery and succeeds when run again.
RETRY_SQLSTATES = ("40P01", "40001")
ATTEMPTS = 3


def process_delivery(delivery: Delivery) -> bool:
    """Apply one stored delivery. Returns True on success; on error the delivery is marked
    failed (never raised: the delivery is already safe and Meta must get its 200)."""
    attempt = 1
    while True:
        try:
            with transaction.atomic():
                _mark_processed([delivery], apply_batch([(bytes(delivery.body), delivery.received_at)]))
            return True
        except Exception as exc:
            if attempt < ATTEMPTS and _lost_race(exc):
                logger.warning("delivery %s lost a race with a concurrent one; retrying", delivery.pk)
                attempt += 1
                continue
            logger.exception("delivery %s failed", delivery.pk)
            Delivery.objects.filter(pk=delivery.pk).update(
                state=Delivery.FAILED,
                error="".join(traceback.format_exception_only(exc)).strip()[:2000],
                attempts=F("attempts") + 1,
                processed_at=timezone.now(),
            )
            return False


def _lost_race(exc: Exception) -> bool:
    cause = exc.__cause__
    # psycopg2 names the SQLSTATE `pgcode`, psycopg 3 `sqlstate`.
    code = getattr(cause, "pgcode", None) or getattr(cause, "sqlstate", None)
    return isinstance(exc, OperationalError) and code in RETRY_SQLSTATES


def _mark_processed(deliveries: list[Delivery], parsed: list[payload.Parsed]) -> None:
    """One UPDATE per distinct (messages, statuses) count pair rather than per delivery."""
    by_counts: dict[tuple[int, int], list[int]] = {}
    for delivery, result in zip(deliveries, parsed, strict=True):
        by_counts.setdefault((len(result.messages), len(result.statuses)), []).append(delivery.pk)
    for (messages, statuses), pks in by_counts.items():
        Delivery.objects.mark_processed(pks, messages=messages, statuses=statuses)


def process_deliveries(deliveries: list[Delivery]) -> None:
    """Apply a batch of stored deliveries in one transaction (one commit, one broadcast); if
    any of them raises, fall back to one transaction each so the others still land and only
    the broken one is marked failed."""
    try:
        with transaction.atomic():
            _mark_processed(deliveries, apply_batch([(bytes(d.body), d.received_at) for d in deliveries]))
    except Exception:
        for delivery in deliveries:
            process_delivery(delivery)


def apply_batch(bodies: list[tuple[bytes, datetime | None]]) -> list[payload.Parsed]:
    """Turn webhook bodies (with the time each was received, the fallback for a missing Meta
    timestamp) into inbox state with one batch of queries and one broadcast. Call inside a
    transaction. Messages go before statuses: a status may be for a message in the batch."""
    now = timezone.now()
    results = []
    incoming: list[receive.Incoming] = []
    status_items: list[receive.Status] = []
    number_changes: dict[tuple[str, str], payload.NumberChange] = {}
    for body, received_at in bodies:
        parsed = payload.parse(body)
        results.append(parsed)
        fallback_time = received_at or now
        for item in parsed.ignored:
            logger.info("ignored %s: %s", item.field or "payload", item.reason)
        for event in parsed.messages:
            incoming.append(_incoming(event, fallback_time))
            if event.number_change:
                number_changes[(event.phone_number_id, event.message_id)] = event.number_change
        status_items.extend(_status(event, fallback_time) for event in parsed.statuses)

    changes = realtime.Changes()
    incoming.sort(key=lambda i: (i.timestamp, i.message_id))
    for message, created in receive.receive_messages(incoming, changes=changes):
        if not created:
            continue
        change = number_changes.get((message.phone_number_id, message.message_id))
        if change:
            actions.change_customer_number(
                conversation=message.conversation,
                new_wa_id=change.new_wa_id,
                new_user_id=change.new_user_id,
                changed_at=message.timestamp,
            )
        if message.media_state == Message.MEDIA_PENDING:
            on_media_message(message)
    # Sorted by wamid so concurrent deliveries take wamid locks in one order.
    status_items.sort(key=lambda s: (s.message_id, s.status))
    receive.record_statuses(status_items, changes=changes)
    realtime.broadcast(_dedupe(changes))
    return results


def _incoming(event: payload.InboundMessage, fallback_time: datetime) -> receive.Incoming:
    return receive.Incoming(
        phone_number_id=event.phone_number_id,
        message_id=event.message_id,
        message_type=_fit("message_type", event.message_type),
        timestamp=event.timestamp or fallback_time,
        from_number=event.from_number,
        from_user_id=event.from_user_id,
        from_name=_fit("from_name", event.from_name),
        fields={name: _fit(name, value) for name, value in message_fields(event).items()},
    )


def _fit(name: str, value):
    """`value` cut to its Message column's length. Names, file names and places come from
    users; on PostgreSQL one overlong value would otherwise fail the whole delivery."""
    limit = Message._meta.get_field(name).max_length
    if isinstance(value, str) and limit and len(value) > limit:
        logger.warning("%s of %d characters shortened to %d", name, len(value), limit)
        return value[:limit]
    return value


def _status(event: payload.StatusUpdate, fallback_time: datetime) -> receive.Status:
    return receive.Status(
        phone_number_id=event.phone_number_id,
        message_id=event.message_id,
        status=event.status,
        timestamp=event.timestamp or fallback_time,
        recipient_number=event.recipient_number,
        error_code=event.error_code,
        error_message=event.error_message,
        payload=event.raw,
    )


def on_media_message(message: Message) -> None:
    """Queue the download of a new media message once the transaction commits."""
    from inbox import media

    media.enqueue_download(message)


def message_fields(event: payload.InboundMessage) -> dict:
    """The Message fields an inbound event sets beyond its identity."""
    fields: dict = {
        "text_body": event.text_body,
        "reply_to": event.reply_to,
        "forwarded": event.forwarded,
        "frequently_forwarded": event.frequently_forwarded,
        "error_code": event.error_code,
        "error_message": event.error_message,
        "payload": event.raw,
    }
    if event.media:
        fields.update(
            media_id=event.media.id,
            media_mime_type=event.media.mime_type,
            media_sha256=event.media.sha256,
            media_filename=event.media.filename,
            media_state=Message.MEDIA_PENDING,
        )
    if event.location:
        fields.update(
            latitude=event.location.latitude,
            longitude=event.location.longitude,
            location_name=event.location.name,
            location_address=event.location.address,
        )
    return fields


def _dedupe(changes: realtime.Changes) -> realtime.Changes:
    def unique(values: Iterable[int]) -> list[int]:
        return list(dict.fromkeys(values))

    new = unique(changes.new_messages)
    return realtime.Changes(
        new_messages=new,
        changed_messages=[pk for pk in unique(changes.changed_messages) if pk not in new],
        conversations=unique(changes.conversations),
        contacts=unique(changes.contacts),
    )
