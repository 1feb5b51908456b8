"""Values Meta passes through from users (names, file names, places) can be longer than our
columns; the message is still stored, with the value shortened, rather than failing the whole
delivery on PostgreSQL."""

import pytest

from inbox.models import Conversation, Message
from webhook.models import Delivery
from webhook.tests.deliveries import data, deliver, wire

pytestmark = pytest.mark.django_db


def only_message(value: dict) -> dict:
    return value["entry"][0]["changes"][0]["value"]["messages"][0]


def test_an_overlong_profile_name_is_shortened(client):
    value = data("text__basic")
    value["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = "Ä" * 300
    deliver(client, wire(value))
    assert Delivery.objects.get().state == Delivery.PROCESSED
    assert Message.objects.get().from_name == "Ä" * 256
    assert Conversation.objects.get().contact_name == "Ä" * 256


def test_an_overlong_file_name_is_shortened(client):
    value = data("document__filename_caption")
    only_message(value)["document"]["filename"] = "rapport-" + "é" * 400 + ".pdf"
    deliver(client, wire(value))
    message = Message.objects.get()
    assert len(message.media_filename) == 255
    assert message.media_filename.startswith("rapport-é")
    assert message.payload["document"]["filename"].endswith(".pdf")


def test_an_overlong_place_name_and_address_are_shortened(client):
    value = data("location__named_place")
    only_message(value)["location"].update(name="N" * 600, address="A" * 1100)
    deliver(client, wire(value))
    message = Message.objects.get()
    assert (len(message.location_name), len(message.location_address)) == (512, 1024)


def test_an_overlong_future_type_name_is_shortened(client):
    value = data("poll__future_type")
    only_message(value)["type"] = "t" * 80
    deliver(client, wire(value))
    assert Message.objects.get().message_type == "t" * 64


def test_an_overlong_mime_type_is_shortened(client):
    value = data("image__caption")
    only_message(value)["image"]["mime_type"] = "image/" + "x" * 200
    deliver(client, wire(value))
    assert len(Message.objects.get().media_mime_type) == 128
