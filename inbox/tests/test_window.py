"""The 24-hour customer service window."""

from datetime import UTC, datetime, timedelta

from inbox import window
from inbox.models import Conversation

NOW = datetime(2026, 11, 3, 12, 0, tzinfo=UTC)


def conversation(last_inbound_at):
    return Conversation(phone_number_id="1", phone_number="919876543210", last_inbound_at=last_inbound_at)


def test_window_closes_24_hours_after_the_last_inbound_message():
    c = conversation(NOW - timedelta(hours=20, minutes=48))

    assert window.closes_at(c) == NOW + timedelta(hours=3, minutes=12)
    assert window.is_open(c, now=NOW)
    assert window.describe(c, now=NOW) == "Reply window closes in 3h 12m"


def test_window_is_closed_at_exactly_24_hours():
    c = conversation(NOW - timedelta(hours=24))

    assert not window.is_open(c, now=NOW)
    assert window.remaining(c, now=NOW) == timedelta(0)


def test_a_closed_window_says_how_long_ago_and_that_only_templates_remain():
    c = conversation(NOW - timedelta(hours=26, minutes=5))

    assert window.describe(c, now=NOW) == "Reply window closed 2h 5m ago: only templates can be sent."


def test_a_conversation_the_customer_never_wrote_in_has_no_window():
    c = conversation(None)

    assert window.closes_at(c) is None
    assert not window.is_open(c, now=NOW)
    assert "not written" in window.describe(c, now=NOW)


def test_durations_read_at_a_glance():
    assert window.format_duration(timedelta(seconds=30)) == "under a minute"
    assert window.format_duration(timedelta(minutes=12, seconds=59)) == "12m"
    assert window.format_duration(timedelta(hours=23, minutes=59)) == "23h 59m"
