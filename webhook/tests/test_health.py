from datetime import timedelta

import pytest
from django.utils import timezone

from webhook.models import Delivery

pytestmark = pytest.mark.django_db

URL = "/healthz"


def delivery(state: str, *, ago: timedelta = timedelta(0)) -> Delivery:
    stored = Delivery.objects.create(body=b"{}", state=state)
    Delivery.objects.filter(pk=stored.pk).update(received_at=timezone.now() - ago)
    return stored


def test_reports_the_days_deliveries(client):
    recent = delivery(Delivery.PROCESSED, ago=timedelta(hours=2))
    delivery(Delivery.PROCESSED, ago=timedelta(days=3))

    report = client.get(URL).json()["webhook"]

    recent.refresh_from_db()
    assert report == {
        "state": "ok",
        "received_24h": 1,
        "failed_24h": 0,
        "unprocessed": 0,
        "last_received_at": recent.received_at.isoformat(),
    }


def test_failed_deliveries_of_the_last_day_degrade_the_report(client):
    delivery(Delivery.FAILED, ago=timedelta(hours=1))
    delivery(Delivery.FAILED, ago=timedelta(days=2))

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["webhook"]["state"] == "failing"
    assert response.json()["webhook"]["failed_24h"] == 1
    assert response.json()["status"] == "degraded"


def test_deliveries_left_unprocessed_show_as_a_backlog(client):
    delivery(Delivery.RECEIVED, ago=timedelta(minutes=10))
    delivery(Delivery.RECEIVED)

    report = client.get(URL).json()["webhook"]

    assert (report["state"], report["unprocessed"]) == ("backlog", 1)


def test_with_no_deliveries_yet(client):
    assert client.get(URL).json()["webhook"] == {
        "state": "ok",
        "received_24h": 0,
        "failed_24h": 0,
        "unprocessed": 0,
        "last_received_at": None,
    }
