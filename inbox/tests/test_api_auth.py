import pytest
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db

ENDPOINTS = [
    ("get", "/api/whatsapp/messages/"),
    ("get", "/api/whatsapp/conversations/"),
    ("get", "/api/whatsapp/statuses/"),
    ("post", "/api/whatsapp/mark-read/"),
]


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_refuses_anonymous_requests_with_401_json(client, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"] == "Token"
    assert response.json() == {"error": "Authentication credentials were not provided."}


@pytest.mark.parametrize(("method", "url"), ENDPOINTS)
def test_refuses_logged_in_users_who_are_not_staff_with_403_json(client, django_user_model, method, url):
    client.force_login(django_user_model.objects.create_user(username="customer", password="x"))

    response = getattr(client, method)(url)

    assert response.status_code == 403
    assert response.json() == {"error": "You do not have permission to perform this action."}


def test_accepts_a_staff_users_token(client, staff_user):
    token = Token.objects.create(user=staff_user)

    response = client.get("/api/whatsapp/messages/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 200
    assert response.json() == {"count": 0, "next": None, "messages": []}


def test_refuses_a_non_staff_users_token(client, django_user_model):
    token = Token.objects.create(user=django_user_model.objects.create_user(username="customer", password="x"))

    response = client.get("/api/whatsapp/messages/", HTTP_AUTHORIZATION=f"Token {token.key}")

    assert response.status_code == 403


def test_refuses_an_unknown_token_with_401(client):
    response = client.get("/api/whatsapp/messages/", HTTP_AUTHORIZATION="Token not-a-real-token")

    assert response.status_code == 401
    assert response.json() == {"error": "Invalid token."}
