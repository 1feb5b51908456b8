"""Stored deliveries → inbox state, in one transaction per delivery, idempotent on Meta's ids.

A delivery that raises is marked failed with the error and left for `replay_deliveries`; the
transaction rolls back whole, so a replay starts from a clean slate."""

import logging
import traceback
from collections.abc import Iterable

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from inbox import actions, realtime
from inbox.models import Message
from webhook import payload
from webhook.models import Delivery

logger = logging.getLogger(__name__)


def process_delivery(delivery: Delivery) -> bool:
    """Apply one stored delivery. Returns True on success; on error the delivery is marked
    failed (never raised: the delivery is already safe and Meta must get its 200)."""
    try:
        with transaction.atomic():
            parsed = apply(bytes(delivery.body), received_at=delivery.received_at)
    except Exception as exc:
        logger.exception("delivery %s failed", delivery.pk)
        Delivery.objects.filter(pk=delivery.pk).update(
            state=Delivery.FAILED,
            error="".join(traceback.format_exception_only(exc)).strip()[:2000],
            attempts=F("attempts") + 1,
            processed_at=timezone.now(),
        )
        return False
    _mark_processed(delivery, parsed)
    return True


def _mark_processed(delivery: Delivery, parsed: payload.Parsed) -> None:
    Delivery.objects.filter(pk=delivery.pk).update(
        state=Delivery.PROCESSED,
        error="",
        attempts=F("attempts") + 1,
        processed_at=timezone.now(),
        messages=len(parsed.messages),
        statuses=len(parsed.statuses),
    )


def process_deliveries(deliveries: list[Delivery]) -> None:
    """Apply a batch of stored deliveries in one transaction (one commit, one broadcast per
    delivery); if any of them raises, fall back to one transaction each so the others still
    land and only the broken one is marked failed."""
    try:
        with transaction.atomic():
            for delivery in deliveries:
                _mark_processed(delivery, apply(bytes(delivery.body), received_at=delivery.received_at))
    except Exception:
        for delivery in deliveries:
            process_delivery(delivery)


def apply(body: bytes, *, received_at=None) -> payload.Parsed:
    """Turn a webhook body into inbox state. Call inside a transaction."""
    parsed = payload.parse(body)
    fallback_time = received_at or timezone.now()
    changes = realtime.Changes()
    for item in parsed.ignored:
        logger.info("ignored %s: %s", item.field or "payload", item.reason)
    # Messages before statuses: a status in the same POST may be for a message in it.
    for message in sorted(parsed.messages, key=lambda m: (m.timestamp or fallback_time, m.message_id)):
        apply_message(message, fallback_time=fallback_time, changes=changes)
    # Sorted by wamid so concurrent deliveries take wamid locks in one order.
    for status in sorted(parsed.statuses, key=lambda s: (s.message_id, s.status)):
        actions.record_status(
            phone_number_id=status.phone_number_id,
            message_id=status.message_id,
            status=status.status,
            timestamp=status.timestamp or fallback_time,
            recipient_number=status.recipient_number,
            error_code=status.error_code,
            error_message=status.error_message,
            payload=status.raw,
            changes=changes,
        )
    realtime.broadcast(_dedupe(changes))
    return parsed


def apply_message(event: payload.InboundMessage, *, fallback_time, changes: realtime.Changes) -> None:
    timestamp = event.timestamp or fallback_time
    message, created = actions.receive_message(
        phone_number_id=event.phone_number_id,
        message_id=event.message_id,
        message_type=event.message_type,
        timestamp=timestamp,
        from_number=event.from_number,
        from_user_id=event.from_user_id,
        from_name=event.from_name,
        fields=message_fields(event),
        changes=changes,
    )
    if created and event.number_change:
        change = event.number_change
        actions.change_customer_number(
            conversation=message.conversation,
            new_wa_id=change.new_wa_id,
            new_user_id=change.new_user_id,
            changed_at=timestamp,
        )
    if created and message.media_state == Message.MEDIA_PENDING:
        on_media_message(message)


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
    )
