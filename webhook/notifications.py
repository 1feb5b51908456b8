"""Waking `process_webhooks` workers soon after a delivery is stored: the webhook's fast path
sends PostgreSQL a NOTIFY on the `webhook_delivery` channel (`Waker`), and each worker's
`Listener` waits on it. Other databases have no notifications; there the listener simply sleeps.

The NOTIFY is its own statement after the deliveries' commits, never part of their transaction:
PostgreSQL takes a database-wide lock for a transaction that notifies and holds it through
that commit's WAL flush, so a NOTIFY in every delivery's INSERT (a trigger did this once) made
concurrent acknowledgements commit one at a time. A worker that is busy needs no wake-up (it
looks for more deliveries after every batch); one that is idle gets one within WINDOW of a
delivery, and otherwise finds it by polling."""

import asyncio
import logging
import select
import time
from concurrent.futures import Executor

from django.db import DatabaseError, close_old_connections, connection

logger = logging.getLogger(__name__)

CHANNEL = "webhook_delivery"
# At most one NOTIFY per this many seconds from one server process.
WINDOW = 0.005


def notify() -> None:
    """Wake the listening workers now."""
    if connection.vendor != "postgresql":
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute(f"NOTIFY {CHANNEL}")
    except DatabaseError:
        # The workers' polling finds the delivery a little later.
        logger.warning("could not notify the webhook workers", exc_info=True)
        close_old_connections()


class Waker:
    """Sends `notify` on `executor` after deliveries are stored: at once if none was sent in
    the last `window` seconds, otherwise at the end of that window, so every delivery is
    followed by a NOTIFY within `window` and a burst costs one NOTIFY per window. Used from
    one event loop."""

    def __init__(self, executor: Executor, *, window: float = WINDOW) -> None:
        self._executor = executor
        self._window = window
        self._scheduled = False
        self._last = float("-inf")

    def stored(self) -> None:
        """Call on the event loop once a delivery has committed."""
        if self._scheduled:
            return
        loop = asyncio.get_running_loop()
        self._scheduled = True
        loop.call_later(max(0.0, self._last + self._window - loop.time()), self._send, loop)

    def _send(self, loop: asyncio.AbstractEventLoop) -> None:
        # Cleared first: a delivery stored from now on schedules the next NOTIFY.
        self._scheduled = False
        self._last = loop.time()
        loop.run_in_executor(self._executor, notify)


class Listener:
    def __init__(self) -> None:
        self._conn = None
        if connection.vendor == "postgresql":
            # A connection of its own: Django's may be closed or inside a transaction.
            self._conn = connection.get_new_connection(connection.get_connection_params())
            self._conn.autocommit = True
            with self._conn.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> bool:
        """Return when a delivery was stored since the last call (True), or after `timeout`
        seconds (False)."""
        if self._conn is None:
            time.sleep(min(timeout, 0.05))
            return False
        if not self._conn.notifies:
            select.select([self._conn], [], [], timeout)
            self._conn.poll()
        woken = bool(self._conn.notifies)
        self._conn.notifies.clear()
        return woken

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
