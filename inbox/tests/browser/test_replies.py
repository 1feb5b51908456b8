"""Replying in real Chromium against daphne, with the fake Graph API standing in for Meta and
sending its status webhooks back to the server: the reply shows at once, its ticks advance to
read, a refused send shows Meta's reason and keeps the text, and once the 24-hour window closes
the composer switches to templates.

With INBOX_SCREENSHOTS=<dir> set, the composer screens are saved there (docs/screenshots)."""

import os
import time
from pathlib import Path

import pytest
from playwright.sync_api import expect

from inbox.models import Conversation, Message, MessageTemplate
from inbox.tests.browser.deliveries import text_message

pytestmark = pytest.mark.browser

ARRIVAL = 15_000
TICKS = 20_000


@pytest.fixture(scope="module")
def graph(live_inbox):
    """The fake Graph API where the live server looks for Meta, reporting statuses back to it."""
    with live_inbox.fake_graph(status_delay=0.5) as fake:
        yield fake


@pytest.fixture(autouse=True)
def no_faults(graph):
    graph.state.reset()


def screenshot(page, name: str) -> None:
    folder = os.environ.get("INBOX_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / name))


def customer_writes(live_inbox, page, *, wa_id: str, name: str, body: str, seconds_ago: float = 0) -> Conversation:
    """A simulated customer's message, signed like Meta's; the agent opens it from the list."""
    payload = text_message(wa_id=wa_id, name=name, body=body, timestamp=int(time.time() - seconds_ago))
    assert live_inbox.post_webhook(payload).status_code == 200
    row = page.locator(".conv", has_text=body)
    expect(row).to_be_visible(timeout=ARRIVAL)
    row.click()
    conversation = Conversation.objects.get(phone_number=wa_id)
    expect(page.locator(f"#compose-{conversation.pk}")).to_be_visible()
    return conversation


def test_a_reply_shows_at_once_and_its_ticks_advance_to_read(new_agent, live_inbox, graph):
    page = new_agent("dana")
    customer_writes(live_inbox, page, wa_id="919876500001", name="Priya Sharma", body="Hi! Is my suit ready?")

    body = page.locator("#composer textarea[name=body]")
    body.fill("Yes! It's pressed and ready for pickup until 8 pm.")
    body.press("Enter")

    reply = page.locator("[id^=msg-][data-status]", has_text="ready for pickup until 8 pm")
    expect(reply).to_be_visible()
    expect(page.locator("#composer textarea[name=body]")).to_have_value("")
    expect(reply).to_have_attribute("data-status", "read", timeout=TICKS)
    assert graph.sent[-1]["text"]["body"] == "Yes! It's pressed and ready for pickup until 8 pm."
    assert Message.objects.get(message_id=graph.sent[-1]["wamid"]).author.username == "dana"
    screenshot(page, "compose-reply.png")
    assert page.errors == []


def test_a_refused_send_shows_the_reason_and_keeps_the_text(new_agent, live_inbox, graph):
    page = new_agent("dana")
    conversation = customer_writes(live_inbox, page, wa_id="447700900002", name="John Doe", body="Hello?")
    graph.fail_next(
        "error", code=131026, message="Message undeliverable", details="The recipient's WhatsApp is out of date."
    )

    page.locator("#composer textarea[name=body]").fill("Your order is ready")
    page.locator("#composer button[type=submit]").click()

    expect(page.locator(f"#compose-alert-{conversation.pk}")).to_contain_text(
        "Message undeliverable: The recipient's WhatsApp is out of date."
    )
    expect(page.locator("#composer textarea[name=body]")).to_have_value("Your order is ready")
    expect(page.locator("[id^=msg-][data-status]")).to_have_count(0)
    assert not Message.objects.filter(conversation=conversation, direction=Message.OUTBOUND).exists()
    screenshot(page, "compose-refused.png")


def test_when_the_window_closes_the_composer_switches_to_templates(new_agent, live_inbox, graph):
    MessageTemplate.objects.create(
        waba_id="102290129340398",
        name="order_ready",
        language="en",
        category="UTILITY",
        status="APPROVED",
        components=graph.state.templates[1]["components"],
    )
    page = new_agent("dana")
    # Wrote 23 h 59 min 54 s ago: the window closes while the agent looks at it.
    conversation = customer_writes(
        live_inbox, page, wa_id="393471234501", name="Marco Rossi", body="See you next week", seconds_ago=86_394
    )
    composer = page.locator(f"#compose-{conversation.pk}")
    expect(composer).to_have_attribute("data-window", "open")

    expect(composer).to_have_attribute("data-window", "closed", timeout=ARRIVAL)
    expect(page.locator("#composer textarea[name=body]")).to_be_disabled()
    page.locator("#composer select[name=template]").select_option(label="order_ready · en · utility")
    # Choosing a template redraws the composer; type once it has (as a person would).
    page.wait_for_function("() => !document.querySelector('.htmx-request')")
    for name, value in (("var-header-1", "A-1042"), ("var-body-1", "Marco"), ("var-body-2", "A-1042"), ("var-body-3", "8 pm")):
        page.locator(f"#composer input[name='{name}']").fill(value)
    expect(page.locator(f"#template-preview-{conversation.pk}")).to_contain_text("Hi Marco, your order A-1042 is cleaned")
    screenshot(page, "compose-template.png")
    page.locator("#composer button[type=submit]").click()

    sent = page.locator("[id^=msg-][data-status]", has_text="Hi Marco, your order A-1042")
    expect(sent).to_be_visible()
    expect(sent).to_have_attribute("data-status", "read", timeout=TICKS)
    assert graph.sent[-1]["template"]["name"] == "order_ready"
    screenshot(page, "compose-template-sent.png")
    assert page.errors == []
