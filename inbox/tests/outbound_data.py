"""Builders for the reply tests: a conversation whose customer wrote recently (or long ago),
and the approved templates the fake Graph API knows."""

from datetime import timedelta
from typing import Any

from django.utils import timezone

from inbox.models import Conversation, MessageTemplate
from inbox.tests.factories import make_conversation, make_message


def open_conversation(**overrides: Any) -> Conversation:
    """A conversation whose customer wrote an hour ago: the window is open."""
    wrote_at = timezone.now() - timedelta(hours=1)
    conversation = make_conversation(last_inbound_at=wrote_at, last_message_at=wrote_at, **overrides)
    make_message(conversation=conversation, timestamp=wrote_at, text_body="Is my suit ready?")
    return conversation


def closed_conversation(**overrides: Any) -> Conversation:
    """A conversation whose customer last wrote two days ago: only templates may be sent."""
    wrote_at = timezone.now() - timedelta(days=2)
    conversation = make_conversation(last_inbound_at=wrote_at, last_message_at=wrote_at, **overrides)
    make_message(conversation=conversation, timestamp=wrote_at, text_body="Thanks!")
    return conversation


def make_template(**overrides: Any) -> MessageTemplate:
    values: dict[str, Any] = {
        "waba_id": "102290129340398",
        "template_id": "1447220063321810",
        "name": "order_ready",
        "language": "en",
        "category": "UTILITY",
        "status": "APPROVED",
        "components": [
            {"type": "HEADER", "format": "TEXT", "text": "Order {{1}} is ready", "example": {"header_text": ["A-1042"]}},
            {
                "type": "BODY",
                "text": "Hi {{1}}, your order {{2}} is cleaned, pressed and ready for pickup. "
                "We are open today until {{3}}.",
                "example": {"body_text": [["John", "A-1042", "8 pm"]]},
            },
            {"type": "FOOTER", "text": "Sparkle Dry Cleaners"},
            {"type": "BUTTONS", "buttons": [{"type": "QUICK_REPLY", "text": "Deliver it instead"}]},
        ],
    }
    values.update(overrides)
    return MessageTemplate.objects.create(**values)


ORDER_READY_VALUES = {"var-header-1": "A-1042", "var-body-1": "John", "var-body-2": "A-1042", "var-body-3": "8 pm"}
