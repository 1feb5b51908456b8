"""Every kind of message renders as a person expects, and user text is always escaped."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from inbox.models import Message
from inbox.tests.factories import make_conversation, make_message

pytestmark = pytest.mark.django_db


@pytest.fixture
def conversation():
    return make_conversation(contact_name="Eva")


@pytest.fixture
def thread(staff_client, conversation):
    def render() -> str:
        return staff_client.get(reverse("inbox:thread", args=[conversation.pk])).content.decode()

    return render


def test_text_links_are_clickable_and_everything_else_escaped(conversation, thread):
    make_message(conversation=conversation, text_body="See https://shop.example.com/a_b_c *now* <script>x</script>\nbye")
    html = thread()
    assert '<a target="_blank" href="https://shop.example.com/a_b_c" rel="nofollow">https://shop.example.com/a_b_c</a>' in html
    assert "<strong>now</strong>" in html
    assert "&lt;script&gt;x&lt;/script&gt;<br>bye" in html
    assert "<script>x" not in html


def test_html_in_text_never_becomes_markup(conversation, thread):
    make_message(conversation=conversation, text_body='<img src=x onerror=alert(1)> "quoted" & <a href="javascript:alert(1)">x</a>')
    html = thread()
    assert "<img src=x" not in html and 'href="javascript' not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_media_messages_show_their_download_state_and_caption(conversation, thread):
    make_message(conversation=conversation, message_type="image", text_body="The <broken> box", media_id="55",
                 media_state=Message.MEDIA_PENDING)
    html = thread()
    assert 'data-media-state="pending"' in html
    assert "The &lt;broken&gt; box" in html


def test_location_links_to_a_map(conversation, thread):
    make_message(conversation=conversation, message_type="location", text_body="Office", latitude=52.52, longitude=13.405,
                 location_name="Office", location_address="Unter den Linden 1, Berlin")
    html = thread()
    assert "https://www.openstreetmap.org/?mlat=52.520000&amp;mlon=13.405000#map=17/52.520000/13.405000" in html
    assert "Unter den Linden 1, Berlin" in html


def test_contact_cards_show_name_phones_and_emails_but_no_script_urls(conversation, thread):
    make_message(conversation=conversation, message_type="contacts", text_body="Rui", payload={"contacts": [
        {"name": {"formatted_name": "Rui Martins"}, "phones": [{"phone": "+351 913 555 010", "wa_id": "351913555010", "type": "CELL"}],
         "emails": [{"email": "rui@example.com"}], "urls": [{"url": "javascript:alert(1)"}, {"url": "https://rui.example"}]}]})
    html = thread()
    assert "Rui Martins" in html and 'href="tel:+351913555010"' in html and 'href="mailto:rui@example.com"' in html
    assert "on WhatsApp" in html
    assert "javascript:" not in html and 'href="https://rui.example"' in html


def test_button_list_and_flow_replies(conversation, thread):
    make_message(conversation=conversation, message_type="interactive", text_body="Yes, reschedule",
                 payload={"interactive": {"type": "button_reply", "button_reply": {"id": "y", "title": "Yes, reschedule"}}})
    make_message(conversation=conversation, message_type="interactive", text_body="Sent",
                 payload={"interactive": {"type": "nfm_reply", "nfm_reply": {"name": "flow", "body": "Sent",
                          "response_json": '{"flow_token": "t", "delivery_date": "2025-02-01", "notes": "<b>ring</b>"}'}}})
    make_message(conversation=conversation, message_type="button", text_body="Stop promotions",
                 payload={"button": {"text": "Stop promotions", "payload": "STOP"}})
    html = thread()
    assert "Button reply" in html and "Yes, reschedule" in html
    assert "Form response" in html and "Delivery date" in html and "2025-02-01" in html and "&lt;b&gt;ring&lt;/b&gt;" in html
    assert "flow_token" not in html
    assert "Template button" in html and "Stop promotions" in html


def test_orders_list_their_items_and_total(conversation, thread):
    make_message(conversation=conversation, message_type="order", text_body="Gift wrap please", payload={"order": {
        "catalog_id": "1", "product_items": [
            {"product_retailer_id": "MUG-1", "quantity": 2, "item_price": 14.9, "currency": "EUR"},
            {"product_retailer_id": "BAG-2", "quantity": 1, "item_price": 9.5, "currency": "EUR"}]}})
    html = thread()
    assert "Order · 2 items" in html
    assert "MUG-1" in html and "29.80 EUR" in html and "39.30 EUR" in html
    assert "Gift wrap please" in html


def test_reactions_show_on_the_message_latest_per_sender(conversation, thread):
    target = make_message(conversation=conversation, direction=Message.OUTBOUND, text_body="Shipped!")
    make_message(conversation=conversation, message_type="reaction", text_body="👍", reply_to=target.message_id)
    make_message(conversation=conversation, message_type="reaction", text_body="❤️", reply_to=target.message_id)
    html = thread()
    reactions = html.split('class="reactions"')[1].split("</ul>")[0]
    assert "❤️" in reactions and "👍" not in reactions
    assert html.count('class="msg ') == 1


def test_business_reactions_name_the_staff_member_in_the_same_queries_however_many(conversation, thread, django_user_model):
    def react(author) -> None:
        target = make_message(conversation=conversation, text_body="Ready?")
        make_message(
            conversation=conversation, direction=Message.OUTBOUND, message_type="reaction", text_body="👍",
            reply_to=target.message_id, author=author,
        )

    ada = django_user_model.objects.create_user(username="ada", first_name="Ada", last_name="Lovelace", is_staff=True)
    react(ada)
    with CaptureQueriesContext(connection) as one:
        assert 'title="Ada Lovelace"' in thread()
    grace = django_user_model.objects.create_user(username="grace", first_name="Grace", is_staff=True)
    react(grace)
    react(ada)
    with CaptureQueriesContext(connection) as three:
        html = thread()
    assert 'title="Grace"' in html and html.count('title="Ada Lovelace"') == 2
    assert len(three) == len(one)


def test_a_removed_reaction_is_gone(conversation, thread):
    target = make_message(conversation=conversation, text_body="Thanks")
    make_message(conversation=conversation, direction=Message.OUTBOUND, message_type="reaction", text_body="🙏", reply_to=target.message_id)
    make_message(conversation=conversation, direction=Message.OUTBOUND, message_type="reaction", text_body=None, reply_to=target.message_id)
    assert 'class="reactions"' not in thread()


def test_replies_quote_the_message_and_link_to_it(conversation, thread):
    original = make_message(conversation=conversation, text_body="Which colour?")
    make_message(conversation=conversation, text_body="Blue", reply_to=original.message_id)
    make_message(conversation=conversation, text_body="And this?", reply_to="wamid.UNKNOWN")
    html = thread()
    assert f'href="#msg-{original.pk}" data-jump="{original.pk}"' in html
    assert "Replying to a message that isn't in the inbox" in html


def test_forwarded_labels(conversation, thread):
    make_message(conversation=conversation, forwarded=True)
    make_message(conversation=conversation, forwarded=True, frequently_forwarded=True)
    html = thread()
    assert "Forwarded</p>" in html and "Forwarded many times" in html


def test_system_notices_and_first_contact(conversation, thread):
    make_message(conversation=conversation, message_type="system", text_body="User A changed from +1 to +2")
    make_message(conversation=conversation, message_type="request_welcome", text_body=None)
    html = thread()
    assert 'class="msg msg--notice"' in html and "User A changed from +1 to +2" in html
    assert "opened the chat for the first time" in html


def test_unsupported_and_unknown_types_say_so(conversation, thread):
    make_message(conversation=conversation, message_type="unsupported", text_body=None, payload={"unsupported": {"type": "poll_creation"}},
                 error_message="Message type unknown")
    make_message(conversation=conversation, message_type="hologram", text_body=None)
    html = thread()
    assert "Unsupported message (poll_creation): Message type unknown" in html
    assert "Unsupported message (hologram)" in html


def test_outbound_messages_show_ticks_and_failures(conversation, thread, staff_user):
    make_message(conversation=conversation, direction=Message.OUTBOUND, status="read", author=staff_user)
    make_message(conversation=conversation, direction=Message.OUTBOUND, status="failed", error_code=131026,
                 error_message="Message undeliverable")
    html = thread()
    assert 'data-status="read"' in html and "ticks--read" in html
    assert "Not delivered: Message undeliverable (error 131026)" in html
    assert 'class="meta__author">agent<' in html
