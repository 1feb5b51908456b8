"""Two agents in real Chromium against the app served by daphne: a signed webhook POSTed to the
server shows up live for both, read state and notes travel between them, and hostile text
stays text."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from inbox.models import Conversation, Message
from inbox.tests.browser.deliveries import text_message
from inbox.tests.factories import make_conversation

pytestmark = pytest.mark.browser


def make_inbox() -> list[Conversation]:
    now = timezone.now()
    return [
        make_conversation(contact_name=name, phone_number=number, last_message_at=now - timedelta(hours=hours))
        for name, number, hours in (("Ines", "351910000001", 1), ("Jon", "4479000000002", 2), ("Kemal", "905320000003", 3))
    ]


def test_a_new_message_reaches_both_agents_and_read_state_and_notes_follow(new_agent, live_inbox):
    *_, bottom = make_inbox()
    alice = new_agent("alice")
    bob = new_agent("bob")
    expect(alice.locator(".conv").last).to_have_id(f"conv-{bottom.pk}")

    assert live_inbox.post_webhook(
        text_message(wa_id=bottom.phone_number, name="Kemal", body="Is the blue one back in stock?")
    ).status_code == 200

    row = f"#conv-{bottom.pk}"
    for page in (alice, bob):
        expect(page.locator(".conv").first).to_have_id(f"conv-{bottom.pk}")
        expect(page.locator(f"{row} .badge")).to_have_text("1")
        expect(page.locator(f"{row} .conv__preview")).to_contain_text("Is the blue one back in stock?")
        expect(page).to_have_title("(1) Inbox")

    alice.locator(row).click()
    expect(alice.locator(f"#thread-{bottom.pk}")).to_contain_text("Is the blue one back in stock?")
    expect(bob.locator(row)).to_have_attribute("data-unread", "0")
    expect(bob.locator(f"{row} .badge")).to_have_count(0)
    expect(bob).to_have_title("Inbox")

    bob.locator(row).click()
    expect(bob.locator(f"#note-form-{bottom.pk}")).to_be_visible()
    alice.locator(f"#note-form-{bottom.pk} textarea").fill("Restock is due on Friday, promised a call")
    alice.locator(f"#note-form-{bottom.pk} button[type=submit]").click()
    for page in (alice, bob):
        expect(page.locator(f"#notes-{bottom.pk} .note")).to_have_count(1)
        expect(page.locator(f"#notes-{bottom.pk} .note")).to_contain_text("Restock is due on Friday, promised a call")
        expect(page.locator(f"#notes-{bottom.pk} .note__author")).to_have_text("Alice")
    assert alice.errors == [] and bob.errors == []


def test_html_in_a_message_is_shown_as_text_and_runs_nothing(new_agent, live_inbox):
    conversation, *_ = make_inbox()
    watcher = new_agent("watcher")
    reader = new_agent("reader", path=f"/c/{conversation.pk}/")
    hostile = "<img src=x onerror=alert(1)>"

    live_inbox.post_webhook(
        text_message(wa_id=conversation.phone_number, name="<b onmouseover=alert(2)>Ines</b>", body=hostile)
    )

    bubble = reader.locator(f"#thread-{conversation.pk} .msg--in .text").last
    expect(bubble).to_have_text(hostile)
    expect(watcher.locator(f"#conv-{conversation.pk} .conv__preview")).to_have_text(hostile)
    expect(watcher.locator(f"#conv-{conversation.pk} .conv__name")).to_have_text("<b onmouseover=alert(2)>Ines</b>")
    # The open thread's header follows the new profile name too, as text.
    expect(reader.locator(".conversation__who h1")).to_have_text("<b onmouseover=alert(2)>Ines</b>")
    expect(reader).to_have_title("<b onmouseover=alert(2)>Ines</b> · Inbox")
    for page in (watcher, reader):
        assert page.locator("img[src=x]").count() == 0
        assert page.locator("b[onmouseover]").count() == 0
        page.locator(f"#conv-{conversation.pk}").hover()
        page.wait_for_timeout(300)  # give an injected handler the chance to fire
        assert page.dialogs == []
        assert page.errors == []
    assert Message.objects.get(text_body=hostile).conversation_id == conversation.pk


NOTIFICATIONS = """
window.shownNotifications = [];
window.Notification = class {
  static permission = "granted";
  static requestPermission() { return Promise.resolve("granted"); }
  constructor(title, options) { window.shownNotifications.push({title: title, body: options.body, tag: options.tag}); }
  close() {}
};
Object.defineProperty(Document.prototype, "hidden", {configurable: true, get() { return !!window.tabHidden; }});
"""


def test_a_hidden_tab_notifies_about_new_customer_messages(new_agent, live_inbox):
    conversation, *_ = make_inbox()
    page = new_agent("alice", init_script=NOTIFICATIONS)
    page.evaluate("window.tabHidden = true")
    live_inbox.post_webhook(text_message(wa_id=conversation.phone_number, name="Ines", body="Are you open on Sunday?"))
    expect(page.locator(f"#conv-{conversation.pk} .badge")).to_have_text("1")
    assert page.evaluate("window.shownNotifications") == [
        {"title": "Ines", "body": "Are you open on Sunday?", "tag": f"conv-{conversation.pk}"}
    ]
    page.evaluate("window.tabHidden = false")
    live_inbox.post_webhook(text_message(wa_id=conversation.phone_number, name="Ines", body="Or Monday?"))
    expect(page.locator(f"#conv-{conversation.pk} .badge")).to_have_text("2")
    assert len(page.evaluate("window.shownNotifications")) == 1


def test_a_message_arriving_in_an_open_conversation_is_read_at_once(new_agent, live_inbox):
    conversation, *_ = make_inbox()
    reader = new_agent("reader", path=f"/c/{conversation.pk}/")
    watcher = new_agent("watcher")
    live_inbox.post_webhook(text_message(wa_id=conversation.phone_number, name="Ines", body="Still there?"))
    expect(reader.locator(f"#thread-{conversation.pk}")).to_contain_text("Still there?")
    expect(watcher.locator(f"#conv-{conversation.pk} .conv__preview")).to_have_text("Still there?")
    expect(watcher.locator(f"#conv-{conversation.pk}")).to_have_attribute("data-unread", "0")
    conversation.refresh_from_db()
    assert conversation.unread_count == 0


def test_logging_out_in_one_tab_takes_the_other_tab_to_the_login_page(new_agent):
    conversation, *_ = make_inbox()
    first = new_agent("alice", path=f"/c/{conversation.pk}/")
    second = first.context.new_page()
    second.goto("/")
    second.wait_for_selector('#live-state[data-state="live"]')

    first.locator(".account summary").click()
    first.get_by_role("button", name="Log out").click()

    for page in (first, second):
        expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(second.locator("#conv-list")).to_have_count(0)
