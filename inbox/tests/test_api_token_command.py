from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from rest_framework.authtoken.models import Token

pytestmark = pytest.mark.django_db


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("create_api_token", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_prints_a_working_token_as_the_last_line(staff_user, client):
    out, _ = run("agent")

    token = out.strip().splitlines()[-1]
    assert Token.objects.get(user=staff_user).key == token
    response = client.get("/api/whatsapp/messages/", HTTP_AUTHORIZATION=f"Token {token}")
    assert response.status_code == 200


def test_prints_the_same_token_when_run_again(staff_user):
    first, _ = run("agent")
    second, err = run("agent")

    assert first == second
    assert "Existing" in err


def test_fails_clearly_for_an_unknown_user():
    with pytest.raises(CommandError, match="No user named 'nobody'"):
        run("nobody")


def test_refuses_a_user_who_is_not_staff(django_user_model):
    django_user_model.objects.create_user(username="customer", password="x")

    with pytest.raises(CommandError, match="--make-staff"):
        run("customer")
    assert not Token.objects.exists()


def test_make_staff_gives_staff_status_and_a_token(django_user_model):
    user = django_user_model.objects.create_user(username="integrator", password="x")

    out, err = run("integrator", "--make-staff")

    user.refresh_from_db()
    assert user.is_staff
    assert out.strip() == Token.objects.get(user=user).key
    assert "staff status" in err


def test_refuses_an_inactive_user(django_user_model):
    django_user_model.objects.create_user(username="gone", password="x", is_staff=True, is_active=False)

    with pytest.raises(CommandError, match="inactive"):
        run("gone")
