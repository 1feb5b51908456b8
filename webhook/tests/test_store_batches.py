"""Group commit on the fast path: deliveries waiting while others commit are stored together, each
request still learns its own row's id (or why it was not stored), and nothing waits on a batch
it is not in."""

import asyncio
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import DatabaseError

from webhook import store_batches
from webhook.models import Delivery
from webhook.store_batches import StoreBatches


class GatedStore:
    """A stand-in for `store_rows` that records each batch and holds the first one until
    released, so that the next deliveries have to wait and form a batch."""

    def __init__(self, *, refuse: set[bytes] = frozenset()) -> None:
        self.batches: list[list[bytes]] = []
        self.first_started = threading.Event()
        self.release = threading.Event()
        self.refuse = refuse

    def __call__(self, rows):
        self.batches.append([body for body, _ in rows])
        if len(self.batches) == 1:
            self.first_started.set()
            self.release.wait(timeout=10)
        return [DatabaseError("refused") if body in self.refuse else int(body) for body, _ in rows]


def run(coroutine):
    return asyncio.run(coroutine)


async def store_while_the_first_commits(batches: StoreBatches, gate: GatedStore, bodies: list[bytes]) -> list:
    """Store bodies[0], then the rest while it is still committing; every result or error."""
    loop = asyncio.get_running_loop()
    first = asyncio.ensure_future(batches.store(bodies[0], "sig"))
    await loop.run_in_executor(None, gate.first_started.wait, 10)
    rest = [asyncio.ensure_future(batches.store(body, "sig")) for body in bodies[1:]]
    await asyncio.sleep(0)
    gate.release.set()
    return await asyncio.gather(first, *rest, return_exceptions=True)


@pytest.fixture
def pool():
    with ThreadPoolExecutor(max_workers=2) as executor:
        yield executor


def test_deliveries_waiting_for_a_commit_go_together_and_each_gets_its_own_id(pool):
    gate = GatedStore()
    batches = StoreBatches(pool, in_flight=1, store=gate)

    results = run(store_while_the_first_commits(batches, gate, [b"1", b"2", b"3", b"4"]))

    assert results == [1, 2, 3, 4]
    assert gate.batches == [[b"1"], [b"2", b"3", b"4"]]


def test_with_a_batch_slot_free_a_delivery_goes_at_once(pool):
    gate = GatedStore()
    batches = StoreBatches(pool, in_flight=2, store=gate)

    results = run(store_while_the_first_commits(batches, gate, [b"1", b"2", b"3"]))

    assert results == [1, 2, 3]
    assert gate.batches[:2] == [[b"1"], [b"2"]]


def test_a_refused_row_fails_only_its_own_request(pool):
    gate = GatedStore(refuse={b"3"})
    batches = StoreBatches(pool, in_flight=1, store=gate)

    results = run(store_while_the_first_commits(batches, gate, [b"1", b"2", b"3", b"4"]))

    assert results[:2] == [1, 2] and results[3] == 4
    assert isinstance(results[2], DatabaseError)


def test_a_batch_stays_within_its_byte_budget_and_a_large_body_goes_alone(pool):
    gate = GatedStore()
    batches = StoreBatches(pool, in_flight=1, max_bytes=4, store=gate)

    results = run(store_while_the_first_commits(batches, gate, [b"1", b"22", b"33", b"44444", b"5"]))

    assert results == [1, 22, 33, 44444, 5]
    assert gate.batches == [[b"1"], [b"22", b"33"], [b"44444"], [b"5"]]


def test_a_failing_store_fails_its_batch_and_the_next_deliveries_are_stored(pool):
    calls = []

    def store(rows):
        calls.append(len(rows))
        if len(calls) == 1:
            raise RuntimeError("bug")
        return [int(body) for body, _ in rows]

    batches = StoreBatches(pool, store=store)

    with pytest.raises(DatabaseError):
        run(batches.store(b"1", "sig"))
    assert run(batches.store(b"2", "sig")) == 2


def test_a_request_that_stops_waiting_leaves_the_rest_of_its_batch_alone(pool):
    gate = GatedStore()
    batches = StoreBatches(pool, in_flight=1, store=gate)

    async def scenario():
        loop = asyncio.get_running_loop()
        first = asyncio.ensure_future(batches.store(b"1", "sig"))
        await loop.run_in_executor(None, gate.first_started.wait, 10)
        gone = asyncio.ensure_future(batches.store(b"2", "sig"))
        stays = asyncio.ensure_future(batches.store(b"3", "sig"))
        await asyncio.sleep(0)
        gone.cancel()
        gate.release.set()
        return await asyncio.gather(first, stays)

    assert run(scenario()) == [1, 3]
    assert gate.batches == [[b"1"], [b"2", b"3"]]


@pytest.mark.django_db
def test_rows_are_stored_byte_for_byte_with_their_ids_in_order():
    rows = [(f'{{"n": {n}}}'.encode(), f"sha256={n}") for n in range(5)]

    ids = store_batches.store_rows(rows)

    stored = {d.pk: (bytes(d.body), d.signature, d.state) for d in Delivery.objects.all()}
    assert [stored[pk] for pk in ids] == [(body, signature, Delivery.RECEIVED) for body, signature in rows]


# Committed for real, as on the server's threads: after a refusal the connection is checked,
# and one inside a test's transaction would be closed.
@pytest.mark.django_db(transaction=True)
def test_when_the_batch_is_refused_each_row_is_tried_alone(monkeypatch):
    real = Delivery.objects.store_many

    def store_many(rows):
        if len(rows) > 1 or rows[0][0] == b"bad":
            raise DatabaseError("refused")
        return real(rows)

    monkeypatch.setattr(Delivery.objects, "store_many", store_many)

    results = store_batches.store_rows([(b"good", ""), (b"bad", ""), (b"fine", "")])

    assert isinstance(results[1], DatabaseError)
    assert sorted(bytes(d.body) for d in Delivery.objects.filter(pk__in=[results[0], results[2]])) == [b"fine", b"good"]
