import os
from datetime import timedelta

import pytest
from django.db import OperationalError
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inbox import health, tasks, whatsapp

pytestmark = pytest.mark.django_db

URL = "/healthz"
REDIS_URL = os.environ.get("REDIS_URL", "")


def redis_layer(url: str) -> dict:
    return {"default": {"BACKEND": "channels_redis.pubsub.RedisPubSubChannelLayer", "CONFIG": {"hosts": [url]}}}


class DownConnection:
    """Stands in for the database connection while the database is down."""

    vendor = "postgresql"

    def cursor(self):
        raise OperationalError("could not connect to server: Connection refused")


def test_names_each_dependencys_state_without_login(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=0")
    report = response.json()
    assert set(report) >= {"status", "database", "channel_layer", "tasks", "graph_api", "webhook"}
    assert report["database"]["state"] == "ok"
    assert report["channel_layer"] == {"state": "in-memory", "backend": "InMemoryChannelLayer"}
    assert report["tasks"] == {"state": "ok", "pending": 0, "oldest_pending_seconds": None, "failed_24h": 0}
    assert report["graph_api"] == {"state": "ok", "token": "configured"}
    assert report["status"] == "ok"


def test_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    monkeypatch.setattr(health, "connection", DownConnection())

    response = client.get(URL)

    assert response.status_code == 503
    report = response.json()
    assert report["status"] == "down"
    assert report["database"]["state"] == "unreachable"
    assert report["tasks"] == {"state": "unknown"}
    assert report["webhook"] == {"state": "unknown"}


def test_reports_an_unreachable_redis_without_failing_the_check(client, settings):
    # Nothing listens on port 1: the connection is refused at once.
    settings.CHANNEL_LAYERS = redis_layer("redis://127.0.0.1:1/0")

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["channel_layer"] == {"state": "unreachable", "backend": "RedisPubSubChannelLayer"}
    assert response.json()["status"] == "degraded"


@pytest.mark.redis
@pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")
def test_pings_redis_when_the_layer_uses_it(client, settings):
    settings.CHANNEL_LAYERS = redis_layer(REDIS_URL)

    assert client.get(URL).json()["channel_layer"] == {"state": "ok", "backend": "RedisPubSubChannelLayer"}


def test_reports_tasks_waiting_for_a_worker(client):
    result = tasks.download_media.enqueue(12345)
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - timedelta(minutes=10))

    report = client.get(URL).json()

    assert report["tasks"]["state"] == "backlog"
    assert report["tasks"]["pending"] == 1
    assert report["tasks"]["oldest_pending_seconds"] >= 600
    assert report["status"] == "degraded"


def test_does_not_count_a_task_scheduled_for_later_as_waiting(client):
    result = tasks.download_media.using(run_after=timezone.now() + timedelta(hours=1)).enqueue(1)
    DBTaskResult.objects.filter(id=result.id).update(enqueued_at=timezone.now() - timedelta(hours=1))

    report = client.get(URL).json()

    assert report["tasks"]["pending"] == 1
    assert report["tasks"]["oldest_pending_seconds"] is None
    assert report["tasks"]["state"] == "ok"


def test_reports_a_missing_access_token(client, settings):
    settings.WHATSAPP_ACCESS_TOKEN = ""

    assert client.get(URL).json()["graph_api"] == {"state": "missing", "token": "missing"}


def test_reports_a_token_meta_rejected_until_a_call_succeeds(client, fake_graph):
    fake_graph.fail_next("token_expired")
    with pytest.raises(whatsapp.GraphError):
        whatsapp.send_text("106540352242922", "919876543210", "hello")

    rejected = client.get(URL).json()["graph_api"]

    assert (rejected["state"], rejected["error_code"]) == ("rejected", 190)
    whatsapp.send_text("106540352242922", "919876543210", "hello")
    assert client.get(URL).json()["graph_api"]["state"] == "ok"


def test_reports_no_secrets(client, settings):
    settings.WHATSAPP_ACCESS_TOKEN = "EAAG-secret-access-token"
    settings.CHANNEL_LAYERS = redis_layer("redis://:redis-password@127.0.0.1:1/0")

    text = client.get(URL).content.decode()

    for secret in ["EAAG-secret-access-token", "redis-password", settings.WHATSAPP_APP_SECRET, settings.SECRET_KEY]:
        assert secret not in text


def test_a_failing_registered_check_is_reported_not_raised(client, monkeypatch):
    def broken() -> dict:
        raise RuntimeError("boom")

    monkeypatch.setitem(health._registered, "broken", broken)

    response = client.get(URL)

    assert response.status_code == 200
    assert response.json()["broken"] == {"state": "error"}
