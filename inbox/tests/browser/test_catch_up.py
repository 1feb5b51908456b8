"""Frames are hints, the database is the truth: frames lost while the socket was down are made
up for when it comes back, by re-fetching the list and the open conversation."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Message
from inbox.tests.browser.deliveries import text_message
from inbox.tests.factories import make_conversation

pytestmark = pytest.mark.browser


class FrameGate:
    """Sits between the page and /ws/inbox/: forwards frames, or drops them while closed."""

    def __init__(self) -> None:
        self.open = True
        self.dropped: list[str] = []
        self.routes = []

    def route(self, page_side) -> None:
        server_side = page_side.connect_to_server()
        self.routes.append((page_side, server_side))

        def from_server(frame) -> None:
            if self.open:
                page_side.send(frame)
            else:
                self.dropped.append(frame)

        server_side.on_message(from_server)
        page_side.on_message(lambda frame: server_side.send(frame))

    def cut(self) -> None:
        """Drop the connection as a network failure would (the page reconnects by itself)."""
        page_side, server_side = self.routes[-1]
        server_side.close()
        page_side.close(code=1012, reason="service restart")


def wait_for(page, condition, timeout: float = 10.0) -> None:
    """Poll `condition` while letting Playwright deliver its events (its sync API only does
    that inside its own calls)."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        page.wait_for_timeout(50)


def test_messages_missed_while_disconnected_appear_after_reconnecting(new_agent, live_inbox, chromium):
    now = timezone.now()
    open_one = make_conversation(contact_name="Lina", phone_number="4915000000001", last_message_at=now - timedelta(hours=1))
    other = make_conversation(contact_name="Marek", phone_number="48600000002", last_message_at=now - timedelta(hours=2))
    gate = FrameGate()
    page = new_agent("agent", path=f"/c/{open_one.pk}/", routes=gate)
    gate.open = False

    live_inbox.post_webhook(text_message(wa_id=open_one.phone_number, name="Lina", body="Missed while offline"))
    live_inbox.post_webhook(text_message(wa_id=other.phone_number, name="Marek", body="Me too"))
    wait_for(page, lambda: Message.objects.filter(text_body__in=["Missed while offline", "Me too"]).count() == 2)
    # Both messages' frames were dropped (one frame or two: the worker may batch them).
    wait_for(page, lambda: all(text in "".join(map(str, gate.dropped)) for text in ("Missed while offline", "Me too")))
    expect(page.locator(f"#thread-{open_one.pk}")).not_to_contain_text("Missed while offline")

    gate.open = True
    gate.cut()
    expect(page.locator("#live-state")).to_have_attribute("data-state", "live", timeout=15000)
    expect(page.locator(f"#thread-{open_one.pk}")).to_contain_text("Missed while offline")
    expect(page.locator(".conv").first).to_have_id(f"conv-{other.pk}")
    expect(page.locator(f"#conv-{other.pk} .badge")).to_have_text("1")
    expect(page.locator(f"#conv-{other.pk} .conv__preview")).to_have_text("Me too")
    assert page.errors == []
