"""Turns stored deliveries into inbox state in the background, in batches.

Each server process runs one processor thread (or, with RUN_WEBHOOK_PROCESSOR_IN_SERVER=False,
`manage.py process_webhooks` worker processes do the same work). The ASGI fast path hands it the
id of every delivery it stored; the thread takes whatever has queued up (up to BATCH_SIZE) and applies it
in one transaction. A sweep also claims deliveries still `received` some seconds after they
arrived — left by a process that stopped, or by another process — so nothing stored is ever
left unprocessed. Processing is idempotent, so a delivery handled twice changes nothing."""

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import timedelta

from django.db import close_old_connections, transaction
from django.utils import timezone

from webhook import ingest, notifications
from webhook.models import Delivery

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
SWEEP_EVERY = 5.0  # seconds
SWEEP_AGE = timedelta(seconds=10)

_queue: "queue.SimpleQueue[int]" = queue.SimpleQueue()
_started = threading.Event()
_lock = threading.Lock()


def submit(delivery_pk: int) -> bool:
    """Hand a stored delivery to this process's processor thread, if it runs one (returns
    True); otherwise a `process_webhooks` worker picks it up from the database."""
    if _started.is_set():
        _queue.put(delivery_pk)
        return True
    return False


def ensure_started() -> None:
    """Start this process's processor thread once."""
    if _started.is_set():
        return
    with _lock:
        if not _started.is_set():
            threading.Thread(target=_run, name="webhook-processor", daemon=True).start()
            _started.set()


def _run() -> None:
    last_sweep = 0.0
    while True:
        try:
            batch = _take_batch(timeout=SWEEP_EVERY)
            if batch:
                process(batch)
            if time.monotonic() - last_sweep >= SWEEP_EVERY:
                last_sweep = time.monotonic()
                sweep()
        except Exception:
            logger.exception("webhook processor loop error")
            time.sleep(1)
        finally:
            close_old_connections()


def _take_batch(*, timeout: float) -> list[int]:
    try:
        batch = [_queue.get(timeout=timeout)]
    except queue.Empty:
        return []
    while len(batch) < BATCH_SIZE:
        try:
            batch.append(_queue.get_nowait())
        except queue.Empty:
            break
    return batch


def process(pks: list[int]) -> int:
    """Apply those of the deliveries that are still unprocessed; returns how many. The row
    locks claim them until the batch commits: another processor skips them, and a crash
    releases them for the next one."""
    # Found by primary key alone, the state checked here: the state index fills with entries
    # of processed rows between vacuums, and a lookup through it slows with them.
    return len(_apply(lambda: Delivery.objects.claim(pks)))


def process_next(*, after: int) -> list[int]:
    """Claim and apply the oldest unprocessed deliveries with ids above `after`, in one query
    rather than a lookup and then a claim; returns their ids."""
    return _apply(lambda: Delivery.objects.claim_next(after=after, limit=BATCH_SIZE))


def _apply(claim: Callable[[], list[Delivery]]) -> list[int]:
    """Apply those of the deliveries `claim` locks that are still unprocessed; returns their
    ids."""
    with transaction.atomic():
        # Locked rows belong to another processor, and one processed meanwhile no longer
        # matches once its lock is released: both are skipped.
        batch = [d for d in claim() if d.state == Delivery.RECEIVED]
        if batch:
            ingest.process_deliveries(batch)
    return [d.pk for d in batch]


def run_worker(*, idle_wait: float = 1.0, stop: threading.Event | None = None) -> None:
    """The processor as a process of its own (`manage.py process_webhooks`). The leading worker
    takes unprocessed deliveries in batches, and when there are none waits for a server's
    notification of a new one, or `idle_wait` seconds. Any other worker helps while the leader
    reports a backlog, and every `idle_wait` seconds sees whether the lead has come free
    (`webhook.notifications`).

    Between full scans every SWEEP_EVERY seconds it looks only past a delivery it saw at least
    HORIZON_LAG seconds ago: the index entries of the processed deliveries before it stay
    unread, however many pile up between vacuums. Concurrent INSERTs commit out of id order,
    so the lag leaves time for a delivery to commit after a newer one."""
    wake = notifications.Listener()
    horizon = _Horizon()
    last_full_scan = 0.0
    try:
        while not (stop and stop.is_set()):
            try:
                if not wake.leading():
                    if wake.wait(idle_wait):
                        _help(horizon)
                    continue
                after = horizon.position
                if time.monotonic() - last_full_scan >= SWEEP_EVERY:
                    last_full_scan = time.monotonic()
                    after = 0
                done = _apply_next(horizon, after=after)
                if not done:
                    wake.wait(idle_wait)
                elif len(done) >= BACKLOG_BATCH:
                    wake.report_backlog()
            except Exception:
                logger.exception("webhook worker loop error")
                time.sleep(1)
                if wake.broken:
                    wake = _reopened(wake)
            finally:
                close_old_connections()
    finally:
        wake.close()


def _reopened(wake: notifications.Listener) -> notifications.Listener:
    """A new listener for one whose connection has gone: without it the worker would only
    poll, and never lead again. The broken one is kept while the database can't be reached."""
    wake.close()
    try:
        return notifications.Listener()
    except Exception:
        logger.warning("could not reconnect the webhook worker's listener; retrying", exc_info=True)
        return wake


# A batch this large shows deliveries arriving about as fast as one worker applies them: this
# many came in while it applied the previous batch.
BACKLOG_BATCH = 50


def _help(horizon: "_Horizon") -> None:
    """Apply batches beside the leading worker until they no longer show a backlog."""
    while len(_apply_next(horizon, after=horizon.position)) >= BACKLOG_BATCH:
        pass


def _apply_next(horizon: "_Horizon", *, after: int) -> list[int]:
    """`process_next`, with the newest delivery applied shown to `horizon`."""
    done = process_next(after=after)
    if done:
        horizon.saw(done[-1])
    return done


HORIZON_LAG = 2.0  # seconds


class _Horizon:
    """The newest delivery id seen at least HORIZON_LAG seconds ago."""

    def __init__(self) -> None:
        self.position = 0
        self._marks: deque[tuple[float, int]] = deque()

    def saw(self, pk: int, *, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        self._marks.append((now, pk))
        while self._marks and now - self._marks[0][0] >= HORIZON_LAG:
            self.position = max(self.position, self._marks.popleft()[1])


def sweep() -> int:
    """Process deliveries left `received` for longer than SWEEP_AGE. Returns how many."""
    cutoff = timezone.now() - SWEEP_AGE
    stale = Delivery.objects.filter(state=Delivery.RECEIVED, received_at__lt=cutoff).order_by("pk")
    pks = list(stale.values_list("pk", flat=True)[:BATCH_SIZE])
    if pks:
        logger.info("sweeping %d unprocessed deliveries", len(pks))
        process(pks)
    return len(pks)
