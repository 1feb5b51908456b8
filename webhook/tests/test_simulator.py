"""The simulator's deliveries are Meta-shaped, escaped and signed like Meta's: the webhook
accepts them and the inbox stores what they carry."""

import json

import pytest

from conftest import TEST_APP_SECRET
from inbox.models import Message
from webhook import sample_media, signature, simulator
from webhook.simulator import Customer, Media

pytestmark = pytest.mark.django_db
URL = "/api/whatsapp/webhook/"
JOHN = Customer("919876543210", "John Doe")


def post(client, outgoing):
    return client.post(
        URL,
        data=outgoing.body,
        content_type="application/json",
        HTTP_X_HUB_SIGNATURE_256=outgoing.headers["X-Hub-Signature-256"],
    )


def deliver(client, *items, media=()):
    outgoing = simulator.delivery(messages=list(items), customers=[JOHN], media=list(media), app_secret=TEST_APP_SECRET)
    assert post(client, outgoing).status_code == 200
    return outgoing


def test_bodies_are_compact_ascii_with_escaped_slashes_and_emoji_and_signed():
    outgoing = simulator.delivery(
        messages=[simulator.text(JOHN, "Café 😀 1/2")], customers=[JOHN], app_secret=TEST_APP_SECRET
    )

    assert outgoing.body.isascii()
    assert b"Caf\\u00e9 \\ud83d\\ude00 1\\/2" in outgoing.body
    assert b": " not in outgoing.body
    assert signature.is_valid(outgoing.body, outgoing.headers["X-Hub-Signature-256"], TEST_APP_SECRET)


def test_text_message_is_stored_with_the_profile_name(client):
    outgoing = deliver(client, simulator.text(JOHN, "Hello café 😀"))

    message = Message.objects.get()
    assert message.message_id == outgoing.wamids[0]
    assert message.text_body == "Hello café 😀"
    assert message.from_number == "919876543210"
    assert message.conversation.contact_name == "John Doe"


def test_a_quoted_reply_names_the_quoted_message(client):
    deliver(client, simulator.text(JOHN, "Yes please", reply_to="wamid.BUSINESS"))

    assert Message.objects.get().reply_to == "wamid.BUSINESS"


def test_media_messages_carry_id_type_and_base64_sha256(client):
    photo = Media(sample_media.photo_jpeg(), "image/jpeg")
    receipt = Media(sample_media.invoice_pdf(), "application/pdf", "receipt.pdf")
    voice = Media(sample_media.voice_note_ogg(), "audio/ogg; codecs=opus")

    outgoing = deliver(
        client,
        simulator.image(JOHN, photo, "The stain"),
        simulator.document(JOHN, receipt, "My receipt"),
        simulator.audio(JOHN, voice),
        media=[photo, receipt, voice],
    )

    stored = {m.message_type: m for m in Message.objects.all()}
    assert stored["image"].media_id == photo.media_id
    assert stored["image"].text_body == "The stain"
    assert stored["image"].media_state == Message.MEDIA_PENDING
    assert stored["document"].media_filename == "receipt.pdf"
    assert stored["audio"].media_mime_type == "audio/ogg; codecs=opus"
    raw = json.loads(outgoing.body)["entry"][0]["changes"][0]["value"]["messages"]
    assert raw[0]["image"]["sha256"] == photo.sha256_base64
    assert raw[2]["audio"]["voice"] is True


def test_location_and_reaction(client):
    deliver(
        client,
        simulator.location(JOHN, 19.0596, 72.8295, "Home", "14 Carter Road"),
        simulator.reaction(JOHN, "wamid.BUSINESS", "🙏"),
    )

    location = Message.objects.get(message_type="location")
    assert (location.latitude, location.longitude, location.location_name) == (19.0596, 72.8295, "Home")
    reaction = Message.objects.get(message_type="reaction")
    assert (reaction.reply_to, reaction.text_body) == ("wamid.BUSINESS", "🙏")


def test_a_reaction_removal_leaves_the_emoji_out_like_meta():
    assert "emoji" not in simulator.reaction(JOHN, "wamid.X", "")["reaction"]


def test_a_status_delivery_moves_an_outbound_message(client):
    from inbox.tests.factories import make_message

    sent = make_message(direction=Message.OUTBOUND, message_id="wamid.OUT")
    outgoing = simulator.delivery(
        statuses=[simulator.status("wamid.OUT", "delivered", JOHN.wa_id)],
        app_secret=TEST_APP_SECRET,
        phone_number_id=sent.phone_number_id,
    )

    assert post(client, outgoing).status_code == 200
    sent.refresh_from_db()
    assert sent.status == "delivered"


def test_sample_media_are_real_files():
    assert sample_media.photo_jpeg().startswith(b"\xff\xd8\xff")
    pdf = sample_media.invoice_pdf()
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    ogg = sample_media.voice_note_ogg(1)
    assert ogg.startswith(b"OggS") and b"OpusHead" in ogg[:64]
