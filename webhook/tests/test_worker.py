"""The processor as a process of its own (`manage.py process_webhooks`)."""

import threading
import time

import pytest
from django.db import connection

from inbox.models import Message
from webhook import notifications, processor
from webhook.models import Delivery
from webhook.tests.deliveries import load

pytestmark = pytest.mark.django_db(transaction=True)


def run_until(condition, *, timeout: float = 10.0) -> None:
    stop = threading.Event()

    def work():
        try:
            processor.run_worker(idle_wait=0.2, stop=stop)
        finally:
            connection.close()

    worker = threading.Thread(target=work)
    worker.start()
    try:
        deadline = time.monotonic() + timeout
        while not condition() and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        stop.set()
        worker.join(timeout=5)
    assert not worker.is_alive()


def test_the_worker_applies_deliveries_stored_before_and_while_it_runs():
    Delivery.objects.create(body=load("text__basic"))
    holder = {}

    def both_processed():
        if "second" not in holder and Delivery.objects.filter(state=Delivery.PROCESSED).exists():
            holder["second"] = Delivery.objects.create(body=load("image__caption"))
        return Delivery.objects.filter(state=Delivery.PROCESSED).count() == 2

    run_until(both_processed)
    assert Delivery.objects.filter(state=Delivery.PROCESSED).count() == 2
    assert Message.objects.count() == 2


def test_a_batch_claimed_by_another_processor_is_skipped():
    delivery = Delivery.objects.create(body=load("text__basic"))
    if connection.vendor != "postgresql":
        pytest.skip("row locks need PostgreSQL")
    from django.db import connections
    from django.db.utils import ConnectionHandler

    other = ConnectionHandler(connections.settings)["default"]
    try:
        other.set_autocommit(False)
        with other.cursor() as cursor:
            cursor.execute("SELECT id FROM webhook_delivery WHERE id = %s FOR UPDATE", [delivery.pk])
        assert processor.process([delivery.pk]) == 0
        assert processor.process_next(after=0) == []
        other.rollback()
    finally:
        other.close()
    assert processor.process([delivery.pk]) == 1
    assert Delivery.objects.get().state == Delivery.PROCESSED


def test_a_delivery_committed_behind_a_newer_one_is_still_found(monkeypatch):
    monkeypatch.setattr(processor, "HORIZON_LAG", 0.0)
    monkeypatch.setattr(processor, "SWEEP_EVERY", 0.3)
    newer = Delivery.objects.create(pk=1000, body=load("text__basic"))
    holder = {}

    def both_processed():
        newer.refresh_from_db()
        if "older" not in holder and newer.state == Delivery.PROCESSED:
            # An INSERT that took its id earlier but committed later: behind what the worker saw.
            holder["older"] = Delivery.objects.create(pk=10, body=load("image__caption"))
        return Delivery.objects.filter(state=Delivery.PROCESSED).count() == 2

    run_until(both_processed)
    assert Delivery.objects.filter(state=Delivery.PROCESSED).count() == 2


def test_the_horizon_trails_what_the_worker_saw_by_the_lag():
    horizon = processor._Horizon()
    horizon.saw(5, now=100.0)
    horizon.saw(9, now=101.0)
    assert horizon.position == 0
    horizon.saw(12, now=102.0)
    assert horizon.position == 5
    horizon.saw(20, now=104.5)
    assert horizon.position == 12


def test_the_next_deliveries_are_claimed_past_a_given_id():
    first = Delivery.objects.create(body=load("text__basic"))
    processor.process([first.pk])
    second = Delivery.objects.create(body=load("image__caption"))
    third = Delivery.objects.create(body=load("text__basic"))
    assert processor.process_next(after=second.pk) == [third.pk]
    assert Delivery.objects.get(pk=second.pk).state == Delivery.RECEIVED
    assert processor.process_next(after=0) == [second.pk]
    assert processor.process_next(after=0) == []
    assert set(Delivery.objects.values_list("state", flat=True)) == {Delivery.PROCESSED}


def test_a_worker_that_does_not_lead_helps_only_once_the_leader_reports_a_backlog():
    if connection.vendor != "postgresql":
        pytest.skip("the lead needs PostgreSQL")
    delivery = Delivery.objects.create(body=load("text__basic"))
    leader = notifications.Listener()
    assert leader.leading()
    try:

        def left_to_the_leader_then_helped():
            delivery.refresh_from_db()
            if "reported" not in holder:
                if time.monotonic() - started < 0.6:
                    return False
                assert delivery.state == Delivery.RECEIVED
                holder["reported"] = True
                leader.report_backlog()
            return delivery.state == Delivery.PROCESSED

        holder = {}
        started = time.monotonic()
        run_until(left_to_the_leader_then_helped)
    finally:
        leader.close()
    assert holder == {"reported": True}
    assert Delivery.objects.get().state == Delivery.PROCESSED


def test_the_leader_reports_a_backlog_when_its_batch_is_large(monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("notifications need PostgreSQL")
    monkeypatch.setattr(processor, "BACKLOG_BATCH", 2)
    for _ in range(3):
        Delivery.objects.create(body=load("text__basic"))
    helper = notifications.Listener()
    try:
        run_until(lambda: not Delivery.objects.filter(state=Delivery.RECEIVED).exists())
        assert helper.wait(5) is True
    finally:
        helper.close()


def test_a_worker_whose_listener_connection_is_cut_reconnects_and_leads_again():
    if connection.vendor != "postgresql":
        pytest.skip("the lead needs PostgreSQL")

    def leader_pid():
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND ((classid::bigint << 32) | objid::bigint) = %s",
                [notifications.LEAD_LOCK],
            )
            row = cursor.fetchone()
        return row[0] if row else None

    seen = {}

    def cut_then_led_again():
        pid = leader_pid()
        if "cut" not in seen:
            if pid:
                seen["cut"] = pid
                with connection.cursor() as cursor:
                    cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
            return False
        if pid and pid != seen["cut"]:
            seen["again"] = pid
            return True
        return False

    run_until(cut_then_led_again, timeout=15)
    assert "again" in seen
