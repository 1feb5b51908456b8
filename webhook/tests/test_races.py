"""Real concurrency on PostgreSQL: Meta's deliveries arrive in parallel, duplicated and out of
order, and race the send that stores an outbound message. Each thread has its own database
connection and they start together at a barrier; the database's constraints and row locks
must leave exactly one row and the right status, however the threads interleave."""

import threading
from collections.abc import Callable
from itertools import permutations

import pytest
from django.db import connection, transaction
from django.test import Client

from inbox import actions
from inbox.models import Conversation, Message, StatusEvent
from webhook import ingest
from webhook.models import Delivery
from webhook.tests.deliveries import OUTBOUND_WAMID, data, deliver, load, wire

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 8


@pytest.fixture(autouse=True)
def _postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises every writer, so there is no race to test; set DATABASE_URL to PostgreSQL")


def run_together(*jobs: Callable[[], object]) -> list[object]:
    """Run each job in its own thread, released at once by a barrier; re-raise the first error."""
    barrier = threading.Barrier(len(jobs))
    results: list[object] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(index: int, job: Callable[[], object]) -> None:
        try:
            barrier.wait(timeout=30)
            results[index] = job()
        except BaseException as exc:  # noqa: BLE001 - reported to the test below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread is stuck"
    if errors:
        raise errors[0]
    return results


def post_from_own_client(body: bytes) -> Callable[[], int]:
    def job() -> int:
        return deliver(Client(), body).status_code

    return job


def status_body(status: str) -> bytes:
    value = data("status__delivered")
    value["entry"][0]["changes"][0]["value"]["statuses"][0]["status"] = status
    return wire(value)


def kerry_conversation() -> Conversation:
    deliver(Client(), "text__basic")
    return Conversation.objects.get()


def test_the_same_delivery_in_parallel_stores_one_message():
    body = load("text__basic")
    assert run_together(*[post_from_own_client(body)] * THREADS) == [200] * THREADS
    assert Message.objects.count() == 1
    conversation = Conversation.objects.get()
    assert (conversation.message_count, conversation.unread_count) == (1, 1)
    assert conversation.last_message == Message.objects.get()
    assert list(Delivery.objects.values_list("state", flat=True)) == [Delivery.PROCESSED] * THREADS


def test_the_same_batch_in_parallel_stores_each_message_once():
    body = load("batch__entries_changes_messages_statuses")
    run_together(*[post_from_own_client(body)] * THREADS)
    assert Message.objects.count() == 5
    assert StatusEvent.objects.count() == 3
    counts = dict(Conversation.objects.values_list("phone_number", "message_count"))
    assert counts == {"16505551234": 3, "447700900123": 2}
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.PROCESSED}


def test_batches_naming_the_same_customers_in_opposite_orders_all_land():
    forward = data("batch__entries_changes_messages_statuses")
    backward = data("batch__entries_changes_messages_statuses")
    for suffix, value in (("f", forward), ("b", backward)):
        for entry in value["entry"]:
            for change in entry["changes"]:
                for message in change["value"].get("messages", []):
                    message["id"] += f".{suffix}"
                    if value is backward and message["from"] == "447700900123":
                        # Amélie writes first in this batch, so it reaches her conversation first.
                        message["timestamp"] = str(int(message["timestamp"]) - 1000)
    bodies = [wire(forward), wire(backward)] * (THREADS // 2)
    run_together(*[post_from_own_client(body) for body in bodies])
    assert Message.objects.count() == 10
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.PROCESSED}
    counts = dict(Conversation.objects.values_list("phone_number", "message_count"))
    assert counts == {"16505551234": 6, "447700900123": 4}


@pytest.mark.parametrize("order", list(permutations(["sent", "delivered", "read"])))
def test_parallel_statuses_in_every_order_end_at_read(order):
    conversation = kerry_conversation()
    actions.record_outbound_message(conversation=conversation, message_id=OUTBOUND_WAMID, message_type="text")
    run_together(*[post_from_own_client(status_body(status)) for status in order])
    assert Message.objects.get(message_id=OUTBOUND_WAMID).status == "read"
    assert StatusEvent.objects.count() == 3


def test_many_copies_of_each_status_in_parallel_end_at_read():
    conversation = kerry_conversation()
    actions.record_outbound_message(conversation=conversation, message_id=OUTBOUND_WAMID, message_type="text")
    bodies = [status_body(s) for s in ("read", "sent", "delivered", "failed")] * 2
    run_together(*[post_from_own_client(body) for body in bodies])
    assert Message.objects.get(message_id=OUTBOUND_WAMID).status == "read"
    assert StatusEvent.objects.count() == 4


@pytest.mark.parametrize("status", ["delivered", "read", "failed"])
def test_a_status_racing_the_send_that_stores_its_message_is_applied(status):
    conversation = kerry_conversation()
    for attempt in range(20):
        wamid = f"{OUTBOUND_WAMID}.{attempt}"
        value = data("status__delivered")
        value["entry"][0]["changes"][0]["value"]["statuses"][0].update(id=wamid, status=status)

        def send() -> Message:
            return actions.record_outbound_message(conversation=conversation, message_id=wamid, message_type="text")

        run_together(send, post_from_own_client(wire(value)))
        assert Message.objects.get(message_id=wamid).status == status, f"attempt {attempt}"


def test_a_first_message_and_a_number_change_racing_leave_one_conversation():
    change = load("system__user_changed_number")
    first = load("text__basic")
    run_together(post_from_own_client(first), post_from_own_client(change))
    assert Message.objects.count() == 2
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.PROCESSED}
    assert Conversation.objects.count() == 1


def test_a_delivery_that_loses_a_deadlock_is_retried_and_lands(caplog):
    """Deterministic deadlock: this test's transaction locks Amélie's conversation, the
    delivery locks Kerry's (renaming him) and waits for Amélie's, then this transaction asks
    for Kerry's. PostgreSQL aborts the delivery, which waited first; it must run again."""
    deliver(Client(), with_name("text__basic", "Kerry"))
    deliver(Client(), "text__emoji_and_accents")
    kerry = Conversation.objects.get(phone_number="16505551234")
    amelie = Conversation.objects.get(phone_number="447700900123")
    delivery = Delivery.objects.create(body=load("batch__entries_changes_messages_statuses"))
    caplog.set_level("WARNING", logger="webhook.ingest")

    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL deadlock_timeout = '60s'")  # let the delivery be the one to notice
        list(Conversation.objects.select_for_update().filter(pk=amelie.pk))
        worker = threading.Thread(target=lambda: (ingest.process_delivery(delivery), connection.close()))
        worker.start()
        wait_until_a_backend_waits_for_a_lock()
        list(Conversation.objects.select_for_update().filter(pk=kerry.pk))
    worker.join(timeout=60)

    delivery.refresh_from_db()
    assert delivery.state == Delivery.PROCESSED, delivery.error
    assert Message.objects.count() == 2 + 5
    assert any("lost a race" in record.getMessage() for record in caplog.records)


def with_name(name: str, profile_name: str) -> bytes:
    value = data(name)
    value["entry"][0]["changes"][0]["value"]["contacts"][0]["profile"]["name"] = profile_name
    return wire(value)


def wait_until_a_backend_waits_for_a_lock() -> None:
    for _ in range(600):
        with connection.cursor() as cursor:
            # Activity statistics are a snapshot per transaction unless cleared.
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
        threading.Event().wait(0.05)
    raise AssertionError("the delivery never waited for the lock")
