"""Plain builder functions for test data: each creates one row with sensible defaults, and any
keyword overrides a field. They write rows directly, so they don't broadcast and don't keep a
conversation's counters in step; tests about counters go through `inbox.actions`."""

from datetime import UTC, datetime, timedelta
from itertools import count
from typing import Any

from inbox import statuses
from inbox.models import Conversation, Message, Note, StatusEvent

BUSINESS_NUMBER_ID = "106540352242922"
BASE_TIME = datetime(2025, 1, 15, 10, 30, tzinfo=UTC)

_sequence = count(1)


def _next() -> int:
    return next(_sequence)


def make_conversation(**overrides: Any) -> Conversation:
    n = _next()
    values: dict[str, Any] = {
        "phone_number_id": BUSINESS_NUMBER_ID,
        "phone_number": f"91987654{n:04d}",
        "contact_name": f"Customer {n}",
    }
    values.update(overrides)
    return Conversation.objects.create(**values)


def make_message(*, conversation: Conversation | None = None, **overrides: Any) -> Message:
    """An inbound text message (pass direction=Message.OUTBOUND for one the business sent).
    Timestamps default to one minute apart so ordering is predictable."""
    conversation = conversation or make_conversation()
    n = _next()
    outbound = overrides.get("direction") == Message.OUTBOUND
    values: dict[str, Any] = {
        "conversation": conversation,
        "phone_number_id": conversation.phone_number_id,
        "message_id": f"wamid.TEST{n:08d}",
        "direction": Message.INBOUND,
        "from_number": None if outbound else conversation.phone_number,
        "from_name": "" if outbound else conversation.contact_name,
        "message_type": "text",
        "text_body": f"Message {n}",
        "timestamp": BASE_TIME + timedelta(minutes=n),
        "status": statuses.ACCEPTED if outbound else statuses.RECEIVED,
    }
    values.update(overrides)
    if "status_rank" not in overrides and values["direction"] == Message.OUTBOUND:
        values["status_rank"] = statuses.rank(values["status"]) or 0
    return Message.objects.create(**values)


def make_status_event(**overrides: Any) -> StatusEvent:
    n = _next()
    values: dict[str, Any] = {
        "message_id": f"wamid.TEST{n:08d}",
        "phone_number_id": BUSINESS_NUMBER_ID,
        "recipient_number": "919876540000",
        "status": "delivered",
        "timestamp": BASE_TIME + timedelta(minutes=n),
    }
    values.update(overrides)
    return StatusEvent.objects.create(**values)


def make_note(*, conversation: Conversation | None = None, **overrides: Any) -> Note:
    values: dict[str, Any] = {"conversation": conversation or make_conversation(), "body": "Called back"}
    values.update(overrides)
    return Note.objects.create(**values)
