"""The 24-hour customer service window: free-form replies are allowed until 24 hours after the
customer's last message (`Conversation.last_inbound_at`); after that only approved templates."""

from datetime import datetime, timedelta

from django.utils import timezone

from inbox.models import Conversation

LENGTH = timedelta(hours=24)


def closes_at(conversation: Conversation) -> datetime | None:
    """When the window closes; None if the customer never wrote (it was never open)."""
    if conversation.last_inbound_at is None:
        return None
    return conversation.last_inbound_at + LENGTH


def is_open(conversation: Conversation, *, now: datetime | None = None) -> bool:
    end = closes_at(conversation)
    return end is not None and (now or timezone.now()) < end


def remaining(conversation: Conversation, *, now: datetime | None = None) -> timedelta:
    """Time left in the window, zero once closed."""
    end = closes_at(conversation)
    if end is None:
        return timedelta(0)
    return max(end - (now or timezone.now()), timedelta(0))


def format_duration(delta: timedelta) -> str:
    """"3h 12m", "12m", "under a minute": what an agent reads at a glance."""
    minutes = int(delta.total_seconds() // 60)
    if minutes < 1:
        return "under a minute"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}h {minutes}m" if hours else f"{minutes}m"


def describe(conversation: Conversation, *, now: datetime | None = None) -> str:
    now = now or timezone.now()
    end = closes_at(conversation)
    if end is None:
        return "The customer has not written yet: only templates can be sent."
    if now < end:
        return f"Reply window closes in {format_duration(end - now)}"
    return f"Reply window closed {format_duration(now - end)} ago: only templates can be sent."
