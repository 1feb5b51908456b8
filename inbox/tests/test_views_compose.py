"""The composer's views: the POST answers only with the composer; the message itself reaches
the thread through the live push."""

import pytest
from django.urls import reverse

from inbox.models import Message
from inbox.tests.factories import make_message
from inbox.tests.outbound_data import ORDER_READY_VALUES, closed_conversation, make_template, open_conversation

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


def compose_url(conversation, name="inbox:compose"):
    return reverse(name, args=[conversation.pk])


def test_open_window_shows_free_text_with_the_countdown(staff_client):
    conversation = open_conversation()

    html = staff_client.get(compose_url(conversation), **HTMX).content.decode()

    assert '<form id="composer"' in html
    assert '<textarea name="body"' in html
    assert 'data-window="open"' in html
    assert "Reply window closes in 22h 59m" in html or "Reply window closes in 23h 0m" in html


def test_closed_window_disables_free_text_and_offers_approved_templates(staff_client):
    conversation = closed_conversation()
    make_template()
    make_template(name="summer_sale", status="REJECTED")

    html = staff_client.get(compose_url(conversation), **HTMX).content.decode()

    assert 'data-window="closed"' in html
    assert "disabled" in html.split('<textarea name="body"')[1].split(">")[0]
    assert "order_ready" in html
    assert "summer_sale" not in html


def test_choosing_a_template_shows_its_variables_and_preview(staff_client):
    conversation = closed_conversation()
    template = make_template()

    html = staff_client.get(compose_url(conversation), {"template": template.pk}, **HTMX).content.decode()

    assert 'name="var-header-1"' in html
    assert 'name="var-body-3"' in html
    assert "Hi {{1}}, your order {{2}}" in html
    assert "Deliver it instead" in html


def test_preview_fills_in_the_typed_variables(staff_client):
    conversation = closed_conversation()
    template = make_template()

    response = staff_client.post(
        compose_url(conversation, "inbox:compose-preview"), {"template": template.pk, "var-body-1": "<b>Ann</b>"}, **HTMX
    )

    html = response.content.decode()
    assert 'id="template-preview-' in html
    assert "Hi &lt;b&gt;Ann&lt;/b&gt;, your order {{2}}" in html


def test_sending_text_answers_with_an_empty_composer(fake_graph, staff_client):
    conversation = open_conversation()

    response = staff_client.post(compose_url(conversation), {"body": "Ready at 5"}, **HTMX)

    html = response.content.decode()
    assert response.status_code == 200
    assert '<form id="composer"' in html
    assert "Ready at 5" not in html
    sent = Message.objects.get(direction=Message.OUTBOUND)
    assert sent.text_body == "Ready at 5"
    assert sent.message_id == fake_graph.sent[-1]["wamid"]


def test_a_refused_send_keeps_the_typed_text_and_shows_the_reason(fake_graph, staff_client):
    conversation = open_conversation()
    fake_graph.fail_next("error", code=131026, message="Message undeliverable", details="Receiver is incapable")

    response = staff_client.post(compose_url(conversation), {"body": "Are you there?"}, **HTMX)

    html = response.content.decode()
    assert ">Are you there?</textarea>" in html
    assert "Message undeliverable: Receiver is incapable" in html
    assert not Message.objects.filter(direction=Message.OUTBOUND).exists()


def test_a_reply_quotes_the_chosen_message(fake_graph, staff_client):
    conversation = open_conversation()
    question = make_message(conversation=conversation, message_id="wamid.Q1")

    staff_client.post(compose_url(conversation), {"body": "Yes", "reply_to": question.pk}, **HTMX)

    assert fake_graph.sent[-1]["context"] == {"message_id": "wamid.Q1"}


def test_sending_a_file_uploads_it_and_sends_it_by_id(fake_graph, staff_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    conversation = open_conversation()
    upload = SimpleUploadedFile("receipt.pdf", b"%PDF-1.4 receipt", content_type="application/pdf")

    staff_client.post(compose_url(conversation), {"body": "Your receipt", "attachment": upload}, **HTMX)

    sent = fake_graph.sent[-1]
    assert sent["type"] == "document"
    assert sent["document"]["caption"] == "Your receipt"
    assert fake_graph.media(sent["document"]["id"]) == b"%PDF-1.4 receipt"


def test_sending_a_template_answers_with_a_reset_composer(fake_graph, staff_client):
    conversation = closed_conversation()
    template = make_template()

    response = staff_client.post(
        compose_url(conversation, "inbox:compose-template"), {"template": template.pk, **ORDER_READY_VALUES}, **HTMX
    )

    html = response.content.decode()
    assert "Template “order_ready” sent." in html
    assert fake_graph.sent[-1]["template"]["name"] == "order_ready"
    assert Message.objects.get(direction=Message.OUTBOUND).message_type == "template"


def test_a_template_with_missing_variables_keeps_what_was_typed(fake_graph, staff_client):
    conversation = closed_conversation()
    template = make_template()

    response = staff_client.post(
        compose_url(conversation, "inbox:compose-template"), {"template": template.pk, "var-body-1": "John"}, **HTMX
    )

    html = response.content.decode()
    assert "Fill in Header {{1}}, Body {{2}}, Body {{3}}." in html
    assert 'value="John"' in html
    assert fake_graph.sent == []


def test_reacting_answers_no_content(fake_graph, staff_client):
    conversation = open_conversation()
    message = make_message(conversation=conversation, message_id="wamid.PHOTO")

    response = staff_client.post(
        compose_url(conversation, "inbox:compose-react"), {"message": message.pk, "emoji": "👍"}, **HTMX
    )

    assert response.status_code == 204
    assert fake_graph.sent[-1]["reaction"] == {"message_id": "wamid.PHOTO", "emoji": "👍"}


def test_a_refused_reaction_is_shown_in_the_composer_alert(fake_graph, staff_client):
    conversation = open_conversation()
    message = make_message(conversation=conversation)
    fake_graph.fail_next("pair_rate_limit")

    response = staff_client.post(
        compose_url(conversation, "inbox:compose-react"), {"message": message.pk, "emoji": "👍"}, **HTMX
    )

    assert response["HX-Retarget"] == f"#compose-alert-{conversation.pk}"
    assert "Too many messages" in response.content.decode()


def test_window_endpoint_reports_where_the_window_stands(staff_client):
    conversation = closed_conversation()

    data = staff_client.get(compose_url(conversation, "inbox:compose-window")).json()

    assert data["is_open"] is False
    assert data["closes_at"]


def test_without_htmx_a_successful_send_returns_to_the_page(fake_graph, staff_client):
    conversation = open_conversation()

    response = staff_client.post(compose_url(conversation), {"body": "Hi"}, HTTP_REFERER="http://testserver/c/1/")

    assert response.status_code == 302
    assert response["Location"] == "http://testserver/c/1/"


def test_the_composer_is_for_staff_only(client, django_user_model):
    conversation = open_conversation()
    user = django_user_model.objects.create_user(username="visitor", password="pw")
    client.force_login(user)

    assert client.get(compose_url(conversation)).status_code == 403
    assert client.post(compose_url(conversation), {"body": "Hi"}).status_code == 403


def test_the_template_renders_included_with_only_the_conversation(rf):
    from django.template.loader import render_to_string

    conversation = open_conversation()

    html = render_to_string("inbox/compose.html", {"conversation": conversation}, request=rf.get("/"))

    assert html.count('<form id="composer"') == 1
    assert "window.inboxComposer" in html
    assert f'id="compose-{conversation.pk}"' in html


def test_message_actions_offer_reply_and_reactions_while_the_window_is_open():
    from django.template.loader import render_to_string

    message = make_message(conversation=open_conversation())
    closed = make_message(conversation=closed_conversation())

    html = render_to_string("inbox/conversation.html#message-actions", {"message": message})

    assert f'data-reply-to="{message.pk}"' in html
    assert f'data-react="{message.pk}"' in html
    assert 'aria-label="React to this message"' in html
    assert render_to_string("inbox/conversation.html#message-actions", {"message": closed}).strip() == ""


def test_the_page_holds_one_reaction_picker_for_all_its_messages(staff_client):
    conversation = open_conversation()
    messages = [make_message(conversation=conversation) for _ in range(3)]

    html = staff_client.get(reverse("inbox:conversation", args=[conversation.pk])).content.decode()

    assert html.count('class="reaction-picker"') == 1
    picker = html.split('class="reaction-picker"')[1].split("</form>")[0]
    assert f'hx-post="{compose_url(conversation, "inbox:compose-react")}"' in picker
    assert '<input type="hidden" name="message"' in picker
    assert 'name="emoji" value="👍"' in picker
    assert 'name="emoji" value="" title="Remove your reaction"' in picker
    for message in messages:
        assert html.count(f'data-react="{message.pk}"') == 1


def test_a_rejected_token_is_announced_in_the_composer(fake_graph, staff_client):
    conversation = open_conversation()
    fake_graph.fail_next("token_expired")
    staff_client.post(compose_url(conversation), {"body": "Hi"}, **HTMX)

    html = staff_client.get(compose_url(conversation), **HTMX).content.decode()

    assert "WhatsApp rejected the access token (190)" in html


def test_a_missing_token_is_announced_before_anything_is_typed(settings, staff_client):
    settings.WHATSAPP_ACCESS_TOKEN = ""

    html = staff_client.get(compose_url(open_conversation()), **HTMX).content.decode()

    assert "No WhatsApp access token is set" in html
    assert "rejected" not in html


def test_a_send_without_a_token_keeps_the_typed_text_and_says_why(settings, staff_client):
    settings.WHATSAPP_ACCESS_TOKEN = ""
    settings.WHATSAPP_GRAPH_URL = "http://127.0.0.1:9"
    conversation = open_conversation()

    html = staff_client.post(compose_url(conversation), {"body": "Your shirts are ready"}, **HTMX).content.decode()

    assert "nothing was sent. An administrator must set WHATSAPP_ACCESS_TOKEN" in html
    assert "Your shirts are ready" in html
    assert not Message.objects.filter(conversation=conversation, direction=Message.OUTBOUND).exists()


def test_switching_templates_keeps_the_values_typed_so_far(staff_client):
    conversation = closed_conversation()
    template = make_template()

    html = staff_client.get(
        compose_url(conversation), {"template": template.pk, "var-body-1": "Marco"}, **HTMX
    ).content.decode()

    assert 'name="var-body-1" value="Marco"' in html
