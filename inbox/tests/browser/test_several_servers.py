"""Production runs several daphne processes on one Redis: an agent on either of them sees what
happens on the other."""

import pytest
from playwright.sync_api import expect

from inbox.tests.browser.deliveries import text_message
from inbox.tests.factories import make_conversation

pytestmark = [pytest.mark.browser, pytest.mark.redis]


def test_agents_on_different_server_processes_see_each_others_updates(new_agent, live_inbox, second_live_inbox):
    conversation = make_conversation(contact_name="Noor", phone_number="97150000001")
    first = new_agent("first", server=live_inbox)
    second = new_agent("second", server=second_live_inbox)

    second_live_inbox.post_webhook(text_message(wa_id=conversation.phone_number, name="Noor", body="Hello from afar"))
    for page in (first, second):
        expect(page.locator(f"#conv-{conversation.pk} .badge")).to_have_text("1")

    first.locator(f"#conv-{conversation.pk}").click()
    expect(first.locator(f"#thread-{conversation.pk}")).to_contain_text("Hello from afar")
    expect(second.locator(f"#conv-{conversation.pk}")).to_have_attribute("data-unread", "0")
