"""Delivery status ranks: a message's status only ever moves up this ladder.

Meta sends statuses out of order and may skip `delivered` (a `read` implies it), so the current
status is the highest rank seen, compared in SQL (see `Message.objects.advance_status`).
"""

RECEIVED = "received"  # inbound, not yet read by staff
READ_BY_STAFF = "read"  # inbound, opened in the inbox
ACCEPTED = "accepted"  # outbound, accepted by the Graph API, no webhook yet

# `failed` replaces `sent` (accepted, then not delivered) but never a later delivered/read.
RANKS: dict[str, int] = {
    "accepted": 0,
    "held_for_quality_assessment": 0,
    "sent": 10,
    "failed": 15,
    "delivered": 20,
    "read": 30,
    "played": 40,
}


def rank(status: str) -> int | None:
    """The rank of a Meta status, or None for a status that must not change the message
    (unknown or legacy values such as `deleted` or `warning` are kept as events only)."""
    return RANKS.get(status)
