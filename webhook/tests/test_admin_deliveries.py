import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from inbox import receive
from inbox.models import Message
from webhook.admin import BODY_DISPLAY_CHARS
from webhook.models import Delivery
from webhook.tests.deliveries import load, with_message

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:webhook_delivery_changelist")


def change_url(delivery: Delivery) -> str:
    return reverse("admin:webhook_delivery_change", args=[delivery.pk])


def test_lists_deliveries_with_state_counts_size_and_error(admin_client):
    body = load("text__basic")
    Delivery.objects.create(body=body, state=Delivery.PROCESSED, attempts=1, messages=1)
    Delivery.objects.create(
        body=b"{}", state=Delivery.FAILED, attempts=2, error="Traceback...\nKeyError: 'entry'"
    )

    response = admin_client.get(CHANGELIST)

    page = response.content.decode()
    assert response.status_code == 200
    assert f">{len(body)}<" in page
    assert "KeyError: &#x27;entry&#x27;" in page


def test_filters_by_state(admin_client):
    failed = Delivery.objects.create(body=b"{}", state=Delivery.FAILED)
    Delivery.objects.create(body=b"{}", state=Delivery.PROCESSED)

    assert list(admin_client.get(CHANGELIST, {"state__exact": "failed"}).context["cl"].result_list) == [failed]


def test_detail_shows_the_body_as_pretty_json(admin_client):
    delivery = Delivery.objects.create(body=load("text__basic"), state=Delivery.PROCESSED)

    page = admin_client.get(change_url(delivery)).content.decode()

    assert "&quot;object&quot;: &quot;whatsapp_business_account&quot;" in page
    assert "&quot;body&quot;: &quot;Hi, my order #1042 hasn&#x27;t arrived yet. Can you check?&quot;" in page
    assert 'name="_save"' not in page


def test_detail_shows_a_body_that_is_not_utf8_as_its_repr(admin_client):
    delivery = Delivery.objects.create(body=b'{"a": "\xff\xfe"}', state=Delivery.FAILED)

    page = admin_client.get(change_url(delivery)).content.decode()

    assert "Not valid UTF-8" in page
    assert "b&#x27;{&quot;a&quot;: &quot;\\xff\\xfe&quot;}&#x27;" in page


def test_detail_shows_text_that_is_not_json_and_cuts_huge_bodies(admin_client):
    plain = Delivery.objects.create(body=b"not json <at all>", state=Delivery.FAILED)
    huge = Delivery.objects.create(body=b"x" * (BODY_DISPLAY_CHARS + 10), state=Delivery.FAILED)

    assert "not json &lt;at all&gt;" in admin_client.get(change_url(plain)).content.decode()
    assert "10 more characters not shown" in admin_client.get(change_url(huge)).content.decode()


def test_replay_action_processes_the_selected_deliveries(admin_client):
    chosen = Delivery.objects.create(body=with_message("text__basic", id="wamid.CHOSEN"), state=Delivery.FAILED)
    Delivery.objects.create(body=with_message("text__basic", id="wamid.LEFT"), state=Delivery.FAILED)

    response = admin_client.post(
        CHANGELIST, {"action": "replay_selected", "_selected_action": [chosen.pk]}, follow=True
    )

    assert "Replayed 1 deliveries: all processed." in response.content.decode()
    chosen.refresh_from_db()
    assert chosen.state == Delivery.PROCESSED
    assert list(Message.objects.values_list("message_id", flat=True)) == ["wamid.CHOSEN"]


def test_replay_action_reports_deliveries_that_still_fail(admin_client, monkeypatch):
    delivery = Delivery.objects.create(body=load("text__basic"), state=Delivery.FAILED)
    monkeypatch.setattr(receive, "receive_messages", lambda *a, **k: 1 / 0)

    response = admin_client.post(
        CHANGELIST, {"action": "replay_selected", "_selected_action": [delivery.pk]}, follow=True
    )

    assert "0 processed, 1 still failing" in response.content.decode()


def test_staff_without_the_change_permission_cannot_replay(client, django_user_model):
    viewer = django_user_model.objects.create_user(username="viewer", password="x", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_delivery"))
    client.force_login(viewer)

    response = client.get(CHANGELIST)

    assert response.status_code == 200
    assert "replay_selected" not in response.content.decode()


def test_deliveries_cannot_be_added_or_edited_by_hand(admin_client):
    delivery = Delivery.objects.create(body=b"{}", state=Delivery.PROCESSED)

    assert admin_client.get(reverse("admin:webhook_delivery_add")).status_code == 403
    assert admin_client.post(change_url(delivery), {"state": "failed"}).status_code == 403
