"""Waking idle `process_webhooks` workers: one NOTIFY after the deliveries' commits (never inside
them), at most one per window, and none lost at the end of a burst; one worker leads, and the
others are woken only by its word of a backlog."""

import asyncio

import pytest
from django.db import connection

from webhook import notifications


class Recording:
    """An executor that records what it is asked to run, and when (loop time)."""

    def __init__(self) -> None:
        self.runs: list[float] = []

    def submit(self, fn, *args):
        from concurrent.futures import Future

        self.runs.append(asyncio.get_running_loop().time())
        future = Future()
        future.set_result(None)
        return future


def test_a_burst_of_deliveries_sends_one_notify_at_once_and_one_at_the_end_of_the_window():
    executor = Recording()

    async def burst() -> float:
        waker = notifications.Waker(executor, window=0.05)
        start = asyncio.get_running_loop().time()
        for _ in range(20):
            waker.stored()
            await asyncio.sleep(0.001)
        await asyncio.sleep(0.2)
        return start

    start = asyncio.run(burst())
    assert len(executor.runs) == 2
    assert executor.runs[0] - start < 0.02
    assert 0.04 <= executor.runs[1] - executor.runs[0] < 0.15


def test_a_delivery_after_a_quiet_window_is_notified_at_once():
    executor = Recording()

    async def two_apart() -> list[float]:
        waker = notifications.Waker(executor, window=0.02)
        stored = []
        for _ in range(2):
            stored.append(asyncio.get_running_loop().time())
            waker.stored()
            await asyncio.sleep(0.06)
        return stored

    stored = asyncio.run(two_apart())
    assert len(executor.runs) == 2
    assert all(run - at < 0.015 for run, at in zip(executor.runs, stored, strict=True))


def postgresql_only() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("the lead and notifications need PostgreSQL")


@pytest.mark.django_db(transaction=True)
def test_a_notify_wakes_a_waiting_listener():
    postgresql_only()
    listener = notifications.Listener()
    try:
        assert listener.leading()
        assert listener.wait(0.05) is False
        notifications.notify()
        assert listener.wait(5) is True
    finally:
        listener.close()


@pytest.mark.django_db(transaction=True)
def test_one_worker_leads_and_the_lead_passes_on_when_it_stops():
    postgresql_only()
    first, second = notifications.Listener(), notifications.Listener()
    try:
        assert first.leading()
        assert not second.leading()
        first.close()
        assert second.leading()
    finally:
        first.close()
        second.close()


@pytest.mark.django_db(transaction=True)
def test_a_helper_is_woken_by_a_backlog_and_not_by_every_delivery():
    postgresql_only()
    leader, helper = notifications.Listener(), notifications.Listener()
    try:
        assert leader.leading() and not helper.leading()
        notifications.notify()
        assert leader.wait(5) is True
        assert helper.wait(0.1) is False
        leader.report_backlog()
        assert helper.wait(5) is True
    finally:
        leader.close()
        helper.close()
