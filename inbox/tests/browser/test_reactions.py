"""Reacting in real Chromium against daphne, with the fake Graph API standing in for Meta: the
conversation's one reaction picker opens beside the message whose react button was pressed, on
a message that came with the page and on one that arrived live, sends that message and the
emoji, and shows the reaction; it works from the keyboard, and Escape or a click elsewhere
closes it without leaving the conversation."""

import time

import pytest
from playwright.sync_api import expect

from inbox.models import Conversation
from inbox.tests.browser.deliveries import text_message

pytestmark = pytest.mark.browser

ARRIVAL = 15_000


@pytest.fixture(scope="module")
def graph(live_inbox):
    with live_inbox.fake_graph(send_statuses=False) as fake:
        yield fake


def customer_writes(live_inbox, *, wa_id: str, body: str) -> None:
    payload = text_message(wa_id=wa_id, name="Amara Okafor", body=body, timestamp=int(time.time()))
    assert live_inbox.post_webhook(payload).status_code == 200


def sent_reaction(graph) -> dict:
    return graph.sent[-1]["reaction"]


def open_message(page, live_inbox, *, wa_id: str, body: str):
    """A customer's new message, opened from the list: (its conversation, the conversation's
    reaction picker, the message)."""
    customer_writes(live_inbox, wa_id=wa_id, body=body)
    page.locator(".conv", has_text=body).click()
    conversation = Conversation.objects.get(phone_number=wa_id)
    picker = page.locator(f"#reaction-picker-{conversation.pk}")
    return conversation, picker, page.locator(f"#thread-{conversation.pk} .msg", has_text=body)


def test_one_picker_reacts_to_a_loaded_message_and_to_a_live_one(new_agent, live_inbox, graph):
    page = new_agent("dana")
    conversation, picker, loaded = open_message(
        page, live_inbox, wa_id="2348030000001", body="Can you shorten the sleeves?"
    )
    expect(loaded).to_be_visible()
    expect(picker).to_be_hidden()

    loaded.hover()
    loaded.get_by_role("button", name="React to this message").click()
    expect(picker).to_be_visible()
    expect(loaded.get_by_role("button", name="React to this message")).to_have_attribute("aria-expanded", "true")
    picker.get_by_role("button", name="React with 👍").click()

    expect(picker).to_be_hidden()
    expect(loaded.locator(".reactions")).to_have_text("👍", timeout=ARRIVAL)
    wamid = loaded.get_attribute("data-wamid")
    assert sent_reaction(graph) == {"message_id": wamid, "emoji": "👍"}

    customer_writes(live_inbox, wa_id="2348030000001", body="And the trousers too")
    live = page.locator(f"#thread-{conversation.pk} .msg", has_text="And the trousers too")
    expect(live).to_be_visible(timeout=ARRIVAL)
    live.hover()
    live.get_by_role("button", name="React to this message").click()
    expect(picker).to_be_visible()
    picker.get_by_role("button", name="React with ❤️").click()

    expect(live.locator(".reactions")).to_have_text("❤️", timeout=ARRIVAL)
    assert sent_reaction(graph) == {"message_id": live.get_attribute("data-wamid"), "emoji": "❤️"}
    expect(loaded.locator(".reactions")).to_have_text("👍")

    loaded.hover()
    loaded.get_by_role("button", name="React to this message").click()
    picker.get_by_role("button", name="Remove your reaction").click()
    expect(loaded.locator(".reactions")).to_have_count(0, timeout=ARRIVAL)
    assert sent_reaction(graph) == {"message_id": wamid, "emoji": ""}
    assert page.errors == []


def test_the_picker_works_from_the_keyboard_and_closes_without_leaving(new_agent, live_inbox, graph):
    page = new_agent("dana")
    conversation, picker, message = open_message(
        page, live_inbox, wa_id="2348030000002", body="Is the wedding dress ready?"
    )
    react = message.get_by_role("button", name="React to this message")
    expect(react).to_be_attached()

    react.focus()
    page.keyboard.press("Enter")
    expect(picker).to_be_visible()
    expect(picker.get_by_role("button", name="React with 👍")).to_be_focused()
    page.keyboard.press("Escape")
    expect(picker).to_be_hidden()
    expect(react).to_be_focused()
    expect(react).to_have_attribute("aria-expanded", "false")
    expect(page.locator(f"#conversation-{conversation.pk}")).to_be_visible()

    page.keyboard.press("Enter")
    expect(picker).to_be_visible()
    page.locator(f"#thread-{conversation.pk}").click(position={"x": 5, "y": 5})
    expect(picker).to_be_hidden()

    react.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(message.locator(".reactions")).to_have_text("❤️", timeout=ARRIVAL)
    assert sent_reaction(graph) == {"message_id": message.get_attribute("data-wamid"), "emoji": "❤️"}
    assert page.errors == []
