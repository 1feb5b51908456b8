"""`manage.py simulate_webhook` against a live server, with media registered at the fake Graph API."""

import pytest
from django.core.management import CommandError, call_command

from inbox.models import Message
from inbox.tests.conftest import fake_graph  # noqa: F401  (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


def webhook_url(live_server) -> str:
    return f"{live_server.url}/api/whatsapp/webhook/"


def test_sends_a_text_message(live_server, capsys):
    call_command("simulate_webhook", "--url", webhook_url(live_server), "--from", "919876543210",
                 "--name", "John Doe", "--text", "Hello")

    out = capsys.readouterr().out
    message = Message.objects.get()
    assert "HTTP 200" in out
    assert message.message_id in out
    assert (message.text_body, message.conversation.contact_name) == ("Hello", "John Doe")


def test_duplicate_and_batch(live_server):
    call_command("simulate_webhook", "--url", webhook_url(live_server), "--text", "Hi", "--batch", "3", "--duplicate")

    assert Message.objects.count() == 3


def test_an_image_is_registered_with_the_fake_graph_api(live_server, fake_graph):
    call_command("simulate_webhook", "--url", webhook_url(live_server), "--image", "--caption", "Stain")

    message = Message.objects.get()
    assert message.message_type == "image"
    assert fake_graph.media(message.media_id).startswith(b"\xff\xd8")


def test_document_audio_location_and_reaction(live_server, fake_graph):
    url = webhook_url(live_server)
    call_command("simulate_webhook", "--url", url, "--document")
    call_command("simulate_webhook", "--url", url, "--audio")
    call_command("simulate_webhook", "--url", url, "--location", "19.05,72.82,Home,Carter Road")
    call_command("simulate_webhook", "--url", url, "--reaction-to", "wamid.X", "--emoji", "❤️")

    types = sorted(Message.objects.values_list("message_type", flat=True))
    assert types == ["audio", "document", "location", "reaction"]
    assert Message.objects.get(message_type="location").location_address == "Carter Road"


def test_a_status_needs_the_message_id(live_server):
    with pytest.raises(CommandError, match="--message-id"):
        call_command("simulate_webhook", "--url", webhook_url(live_server), "--status", "read")


def test_conversation_plays_a_whole_exchange(live_server, fake_graph, capsys):
    call_command("simulate_webhook", "--url", webhook_url(live_server), "--conversation", "--pause", "0",
                 "--name", "Priya Sharma")

    types = list(Message.objects.order_by("timestamp", "id").values_list("message_type", flat=True))
    assert types[:3] == ["text", "text", "image"]
    assert "location" in types
    assert Message.objects.filter(message_type="image").exists()
    assert "Sent" in capsys.readouterr().out


def test_a_wrong_app_secret_is_refused_by_the_inbox(live_server):
    with pytest.raises(SystemExit):
        call_command("simulate_webhook", "--url", webhook_url(live_server), "--text", "Hi", "--app-secret", "wrong")

    assert not Message.objects.exists()
