from datetime import timedelta

import pytest

from inbox.tests.factories import BASE_TIME, make_status_event

pytestmark = pytest.mark.django_db

URL = "/api/whatsapp/statuses/"


def test_lists_status_events_newest_first_with_the_contract_fields(staff_client):
    delivered = make_status_event(message_id="wamid.OUT1", status="delivered", timestamp=BASE_TIME)
    make_status_event(
        message_id="wamid.OUT1",
        status="failed",
        recipient_number="919876543210",
        timestamp=BASE_TIME + timedelta(seconds=5),
        error_code=131026,
        error_message="Message undeliverable",
    )

    body = staff_client.get(URL).json()

    assert body["count"] == 2
    assert body["statuses"] == [
        {
            "message_id": "wamid.OUT1",
            "recipient_number": "919876543210",
            "status": "failed",
            "timestamp": "2025-01-15T10:30:05Z",
            "error_code": 131026,
            "error_message": "Message undeliverable",
        },
        {
            "message_id": "wamid.OUT1",
            "recipient_number": delivered.recipient_number,
            "status": "delivered",
            "timestamp": "2025-01-15T10:30:00Z",
            "error_code": None,
            "error_message": None,
        },
    ]


def test_filters_by_message_id_and_status(staff_client):
    make_status_event(message_id="wamid.A", status="sent")
    make_status_event(message_id="wamid.A", status="read")
    make_status_event(message_id="wamid.B", status="read")

    by_message = staff_client.get(URL, {"message_id": "wamid.A"}).json()
    by_status = staff_client.get(URL, {"status": "read"}).json()

    assert {s["status"] for s in by_message["statuses"]} == {"sent", "read"}
    assert by_message["count"] == 2
    assert {s["message_id"] for s in by_status["statuses"]} == {"wamid.A", "wamid.B"}


def test_pages_with_limit_and_next(staff_client):
    for n in range(3):
        make_status_event(message_id=f"wamid.{n}", timestamp=BASE_TIME + timedelta(minutes=n))

    first = staff_client.get(URL, {"limit": 2}).json()
    second = staff_client.get(first["next"]).json()

    assert [s["message_id"] for s in first["statuses"]] == ["wamid.2", "wamid.1"]
    assert [s["message_id"] for s in second["statuses"]] == ["wamid.0"]
    assert (second["count"], second["next"]) == (3, None)


def test_rejects_a_bad_cursor_with_a_json_error(staff_client):
    response = staff_client.get(URL, {"before": "abc.def"})

    assert response.status_code == 400
    assert "before" in response.json()["details"]
