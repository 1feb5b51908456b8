"""Screenshots of the inbox for the README, taken from the real app with the showcase data.

Runs only with INBOX_SCREENSHOTS=<dir> (e.g. docs/screenshots); otherwise skipped."""

import os
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.models import Conversation
from inbox.tests.browser import showcase

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.environ.get("INBOX_SCREENSHOTS"), reason="set INBOX_SCREENSHOTS=<dir> to take screenshots"),
]


def test_take_screenshots(new_agent, live_inbox, settings):
    out = Path(os.environ["INBOX_SCREENSHOTS"])
    out.mkdir(parents=True, exist_ok=True)
    settings.MEDIA_ROOT = live_inbox.media_root
    featured = showcase.build()
    order = Conversation.objects.get(phone_number="4915123456789")
    desktop = {"width": 1440, "height": 900}

    page = new_agent("ana", path=f"/c/{featured.pk}/", viewport=desktop, device_scale_factor=1)
    thread = page.locator(f"#thread-{featured.pk}")
    expect(thread.locator("img").first).to_be_visible()
    page.wait_for_timeout(500)
    page.screenshot(path=out / "inbox.png")

    customer = thread.locator(".msg--in").last
    customer.hover()
    customer.get_by_role("button", name="React to this message").click()
    expect(page.locator(f"#reaction-picker-{featured.pk}")).to_be_visible()
    page.wait_for_timeout(300)
    page.screenshot(path=out / "compose-quote-react.png")
    page.keyboard.press("Escape")

    thread.evaluate("thread => { thread.scrollTop = 0 }")
    page.wait_for_timeout(400)
    page.screenshot(path=out / "message-types.png")

    thread.evaluate("thread => { thread.scrollTop = thread.scrollHeight * 0.38 }")
    page.wait_for_timeout(400)
    page.screenshot(path=out / "message-types-2.png")

    page.locator(f"#conv-{order.pk}").click()
    expect(page.locator(f"#thread-{order.pk} .order")).to_be_visible()
    page.locator(f"#note-form-{order.pk} textarea").fill("Gift wrap is free this month: no extra charge.")
    page.locator(f"#note-form-{order.pk} button[type=submit]").click()
    expect(page.locator(f"#notes-{order.pk} .note")).to_have_count(1)
    page.wait_for_timeout(300)
    page.screenshot(path=out / "order-and-notes.png")

    phone = new_agent("ana", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True, device_scale_factor=2)
    phone.wait_for_timeout(300)
    phone.screenshot(path=out / "phone-list.png")
    phone.locator(f"#conv-{featured.pk}").tap()
    expect(phone.locator(f"#thread-{featured.pk}")).to_be_visible()
    phone.wait_for_timeout(600)
    phone.screenshot(path=out / "phone-conversation.png")
