import json

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from inbox import actions
from inbox.models import Conversation, Message
from inbox.tests.factories import BASE_TIME, make_conversation, make_message

pytestmark = pytest.mark.django_db

URL = "/api/whatsapp/mark-read/"


def receive(wa_id: str, wamid: str, *, phone_number_id: str = "106540352242922") -> Message:
    message, _ = actions.receive_message(
        phone_number_id=phone_number_id,
        message_id=wamid,
        message_type="text",
        timestamp=BASE_TIME,
        from_number=wa_id,
        from_user_id=None,
        fields={"text_body": "hi"},
    )
    return message


def post(client, data, **extra):
    return client.post(URL, json.dumps(data), content_type="application/json", **extra)


def test_marks_the_customers_messages_read_and_the_unread_count_zero(staff_client):
    first = receive("919876543210", "wamid.1")
    second = receive("919876543210", "wamid.2")
    other = receive("441234567890", "wamid.3")

    response = post(staff_client, {"phone_number": "919876543210"})

    assert response.status_code == 200
    assert response.json() == {
        "phone_number": "919876543210",
        "conversations": [first.conversation_id],
        "marked_read": 2,
    }
    assert Conversation.objects.get(pk=first.conversation_id).unread_count == 0
    assert set(Message.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {"read"}
    assert Message.objects.get(pk=other.pk).status == "received"
    assert Conversation.objects.get(pk=other.conversation_id).unread_count == 1


def test_accepts_a_plus_and_form_encoded_bodies(staff_client):
    message = receive("919876543210", "wamid.1")

    response = staff_client.post(URL, {"phone_number": "+919876543210"})

    assert response.status_code == 200
    assert response.json()["phone_number"] == "919876543210"
    assert Conversation.objects.get(pk=message.conversation_id).unread_count == 0


def test_marks_the_customer_read_on_every_business_number(staff_client):
    on_first = receive("919876543210", "wamid.1", phone_number_id="111")
    on_second = receive("919876543210", "wamid.2", phone_number_id="222")

    response = post(staff_client, {"phone_number": "919876543210"})

    assert response.json()["conversations"] == sorted([on_first.conversation_id, on_second.conversation_id])
    assert set(Conversation.objects.values_list("unread_count", flat=True)) == {0}


def test_is_harmless_when_already_read(staff_client):
    conversation = make_conversation(phone_number="919876543210")
    make_message(conversation=conversation, status="read")

    response = post(staff_client, {"phone_number": "919876543210"})

    assert response.status_code == 200
    assert response.json()["marked_read"] == 0


def test_answers_404_for_an_unknown_customer(staff_client):
    response = post(staff_client, {"phone_number": "+15550001111"})

    assert response.status_code == 404
    assert response.json() == {"error": "No conversation with phone number 15550001111."}


@pytest.mark.parametrize("body", [{}, {"phone_number": ""}, {"phone_number": " + "}, ["919876543210"]])
def test_answers_400_without_a_phone_number(staff_client, body):
    response = post(staff_client, body)

    assert response.status_code == 400
    assert response.json()["error"]


def test_answers_400_for_a_body_that_is_not_json(staff_client):
    response = staff_client.post(URL, "{not json", content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["error"]


def test_token_clients_need_no_csrf_token_but_session_clients_do(staff_user):
    receive("919876543210", "wamid.1")
    token = Token.objects.create(user=staff_user)
    session = Client(enforce_csrf_checks=True)
    session.force_login(staff_user)

    without_csrf = post(session, {"phone_number": "919876543210"})
    with_token = post(
        Client(enforce_csrf_checks=True), {"phone_number": "919876543210"}, HTTP_AUTHORIZATION=f"Token {token.key}"
    )

    assert without_csrf.status_code == 403
    assert "CSRF" in without_csrf.json()["error"]
    assert with_token.status_code == 200
