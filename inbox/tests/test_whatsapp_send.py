"""The Graph client's sends, against the fake Graph API."""

from inbox import whatsapp

PNID = "106540352242922"
CUSTOMER = "919876543210"


def test_send_text_returns_the_wamid_meta_assigned(fake_graph):
    response = whatsapp.send_text(PNID, CUSTOMER, "Your order is ready")

    wamid = whatsapp.sent_message_id(response)
    assert wamid.startswith("wamid.")
    assert fake_graph.sent[-1]["wamid"] == wamid
    assert response["contacts"] == [{"input": "+919876543210", "wa_id": CUSTOMER}]


def test_send_text_addresses_the_number_with_a_plus_and_quotes_the_replied_message(fake_graph):
    whatsapp.send_text(PNID, CUSTOMER, "Yes, until 8 pm", reply_to="wamid.CUSTOMER1")

    body = fake_graph.sent[-1]
    assert body["messaging_product"] == "whatsapp"
    assert body["to"] == "+919876543210"
    assert body["type"] == "text"
    assert body["text"] == {"body": "Yes, until 8 pm", "preview_url": True}
    assert body["context"] == {"message_id": "wamid.CUSTOMER1"}


def test_send_to_a_username_only_customer_uses_the_recipient_field(fake_graph):
    whatsapp.send_text(PNID, "US.13491208655302741918", "Hello")

    assert fake_graph.sent[-1]["recipient"] == "US.13491208655302741918"
    assert "to" not in fake_graph.sent[-1]


def test_send_reaction_and_its_removal(fake_graph):
    whatsapp.send_reaction(PNID, CUSTOMER, "wamid.CUSTOMER1", "👍")
    whatsapp.send_reaction(PNID, CUSTOMER, "wamid.CUSTOMER1", "")

    assert [m["reaction"] for m in fake_graph.sent] == [
        {"message_id": "wamid.CUSTOMER1", "emoji": "👍"},
        {"message_id": "wamid.CUSTOMER1", "emoji": ""},
    ]


def test_send_media_by_id_after_upload(fake_graph):
    media_id = whatsapp.upload_media(PNID, b"%PDF-1.4 invoice", "application/pdf", "invoice.pdf")
    whatsapp.send_media_by_id(PNID, CUSTOMER, "document", media_id, caption="Your invoice", filename="invoice.pdf")

    assert fake_graph.media(media_id) == b"%PDF-1.4 invoice"
    assert fake_graph.sent[-1]["document"] == {"id": media_id, "caption": "Your invoice", "filename": "invoice.pdf"}


def test_send_template_with_body_parameters(fake_graph):
    components = [
        {"type": "header", "parameters": [{"type": "text", "text": "A-1042"}]},
        {
            "type": "body",
            "parameters": [{"type": "text", "text": t} for t in ("John", "A-1042", "8 pm")],
        },
    ]
    response = whatsapp.send_template(PNID, CUSTOMER, "order_ready", "en", components)

    assert response["messages"][0]["message_status"] == "accepted"
    assert fake_graph.sent[-1]["template"]["name"] == "order_ready"
    assert fake_graph.sent[-1]["template"]["language"] == {"code": "en"}


def test_mark_read_sends_the_typing_indicator(fake_graph):
    assert whatsapp.mark_read(PNID, "wamid.CUSTOMER1") == {"success": True}
    whatsapp.mark_read(PNID, "wamid.CUSTOMER2", typing=False)

    assert fake_graph.read_receipts == [
        {
            "messaging_product": "whatsapp",
            "status": "read",
            "message_id": "wamid.CUSTOMER1",
            "typing_indicator": {"type": "text"},
        },
        {"messaging_product": "whatsapp", "status": "read", "message_id": "wamid.CUSTOMER2"},
    ]
    assert fake_graph.sent == []


def test_sends_the_configured_token_to_the_configured_version(fake_graph, settings):
    settings.WHATSAPP_API_VERSION = "v26.0"
    settings.WHATSAPP_ACCESS_TOKEN = "another-token"
    fake_graph.revoke_token("test-access-token")

    assert whatsapp.send_text(PNID, CUSTOMER, "Hi")["messages"]
