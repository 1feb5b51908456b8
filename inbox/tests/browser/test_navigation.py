"""Moving around the inbox: keyboard, long threads, quotes, filters that live updates respect,
and the phone layout."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Conversation
from inbox.tests.browser.deliveries import text_message
from inbox.tests.factories import make_conversation, make_message

pytestmark = pytest.mark.browser


def conversations(count: int) -> list[Conversation]:
    now = timezone.now()
    return [
        make_conversation(contact_name=f"Customer {i}", phone_number=f"4917000000{i:02d}", last_message_at=now - timedelta(minutes=i))
        for i in range(count)
    ]


def test_j_and_k_move_between_conversations(new_agent):
    first, second, third = conversations(3)
    page = new_agent()
    page.keyboard.press("j")
    expect(page).to_have_url(f"/c/{first.pk}/")
    expect(page.locator(f"#conv-{first.pk}")).to_have_class("conv is-active")
    page.keyboard.press("j")
    expect(page.locator(f"#thread-{second.pk}")).to_be_attached()
    expect(page).to_have_url(f"/c/{second.pk}/")
    page.keyboard.press("k")
    expect(page.locator(f"#thread-{first.pk}")).to_be_attached()
    page.keyboard.press("/")
    expect(page.locator("#search")).to_be_focused()


def test_a_long_thread_loads_older_messages_and_jumps_to_a_quote(new_agent):
    conversation, = conversations(1)
    first = make_message(conversation=conversation, text_body="The very first message")
    for i in range(90):
        make_message(conversation=conversation, text_body=f"filler {i}")
    make_message(conversation=conversation, text_body="About my first message", reply_to=first.message_id)
    page = new_agent(path=f"/c/{conversation.pk}/")
    thread = page.locator(f"#thread-{conversation.pk}")
    expect(thread).to_contain_text("About my first message")
    expect(page.locator(f"#msg-{first.pk}")).to_have_count(0)
    page.locator(".quote[data-jump]").click()
    expect(page.locator(f"#msg-{first.pk}")).to_be_in_viewport()
    expect(thread).to_contain_text("This is the start of the conversation.")
    assert page.locator(f"#thread-{conversation.pk} .msg").count() == 92
    assert page.errors == []


def test_unread_filter_takes_new_unread_conversations_and_search_keeps_its_results(new_agent, live_inbox):
    quiet, busy = conversations(2)
    page = new_agent()
    page.locator(".tab", has_text="Unread").click()
    expect(page.locator(".list-empty")).to_contain_text("nothing unread")
    live_inbox.post_webhook(text_message(wa_id=busy.phone_number, name="Customer 1", body="Hello?"))
    expect(page.locator(f"#conv-{busy.pk}")).to_be_visible()
    expect(page.locator(".list-empty")).to_have_count(0)
    expect(page.locator("#unread-total")).to_have_text("1")

    page.locator(".tab", has_text="All").click()
    page.locator("#search").fill("Customer 1")
    expect(page.locator(".conv")).to_have_count(1)
    live_inbox.post_webhook(text_message(wa_id=quiet.phone_number, name="Customer 0", body="Me too"))
    expect(page.locator("#unread-total")).to_have_text("2")
    expect(page.locator(".conv")).to_have_count(1)


def test_a_phone_shows_the_list_or_the_conversation(new_agent):
    conversation, = conversations(1)
    make_message(conversation=conversation, text_body="Small screens too")
    page = new_agent(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    expect(page.locator("#pane")).to_be_hidden()
    page.locator(f"#conv-{conversation.pk}").tap()
    expect(page.locator(f"#thread-{conversation.pk}")).to_contain_text("Small screens too")
    expect(page.locator(".sidebar")).to_be_hidden()
    page.locator(".conversation__head [data-toggle-contact]").tap()
    expect(page.locator(f"#contact-{conversation.pk}")).to_be_in_viewport()
    page.locator(".conversation__head [data-toggle-contact]").tap()
    page.locator("[data-back]").tap()
    expect(page.locator(".sidebar")).to_be_visible()
    expect(page).to_have_url("/")
