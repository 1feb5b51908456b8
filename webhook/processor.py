"""Turns stored deliveries into inbox state in the background, in batches.

Each server process runs one processor thread. The ASGI fast path hands it the id of every
delivery it stored; the thread takes whatever has queued up (up to BATCH_SIZE) and applies it
in one transaction. A sweep also claims deliveries still `received` some seconds after they
arrived — left by a process that stopped, or by another process — so nothing stored is ever
left unprocessed. Processing is idempotent, so a delivery handled twice changes nothing."""

import logging
import queue
import threading
import time
from datetime import timedelta

from django.db import close_old_connections
from django.utils import timezone

from webhook import ingest
from webhook.models import Delivery

logger = logging.getLogger(__name__)

BATCH_SIZE = 200
SWEEP_EVERY = 5.0  # seconds
SWEEP_AGE = timedelta(seconds=10)

_queue: "queue.SimpleQueue[int]" = queue.SimpleQueue()
_started = threading.Event()
_lock = threading.Lock()


def submit(delivery_pk: int) -> None:
    _queue.put(delivery_pk)


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


def process(pks: list[int]) -> None:
    deliveries = list(Delivery.objects.filter(pk__in=pks, state=Delivery.RECEIVED).order_by("pk"))
    if deliveries:
        ingest.process_deliveries(deliveries)


def sweep() -> int:
    """Process deliveries left `received` for longer than SWEEP_AGE. Returns how many."""
    cutoff = timezone.now() - SWEEP_AGE
    stale = Delivery.objects.filter(state=Delivery.RECEIVED, received_at__lt=cutoff).order_by("pk")
    pks = list(stale.values_list("pk", flat=True)[:BATCH_SIZE])
    if pks:
        logger.info("sweeping %d unprocessed deliveries", len(pks))
        process(pks)
    return len(pks)
