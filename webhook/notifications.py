"""Waking `process_webhooks` workers soon after a delivery is stored: the webhook's fast path
sends PostgreSQL a NOTIFY on the `webhook_delivery` channel (`Waker`), and each worker's
`Listener` waits on it. Other databases have no notifications; there the listener simply sleeps.

The NOTIFY is its own statement after the deliveries' commits, never part of their transaction:
PostgreSQL takes a database-wide lock for a transaction that notifies and holds it through
that commit's WAL flush, so a NOTIFY in every delivery's INSERT (a trigger did this once) made
concurrent acknowledgements commit one at a time. A worker that is busy needs no wake-up (it
looks for more deliveries after every batch); one that is idle gets one within WINDOW of a
delivery, and otherwise finds it by polling.

Of several workers one leads (it holds a session lock, so the lead passes on when its process
stops) and takes every delivery; the others wait until the leader says, on `webhook_backlog`,
that its batches show deliveries arriving faster than it applies them, and then help until the
backlog is gone. Two workers splitting a light load would only halve their batches, each batch
having a fixed cost; a backlog is where a second core pays."""

import asyncio
import logging
import select
import time
from concurrent.futures import Executor

from django.db import DatabaseError, close_old_connections, connection

logger = logging.getLogger(__name__)

CHANNEL = "webhook_delivery"
BACKLOG_CHANNEL = "webhook_backlog"
# The key of the session-level advisory lock the leading worker holds: a constant no other code
# uses.
LEAD_LOCK = 7_106_918_300_001
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
    """A worker's connection for its notifications and for the lead. Without PostgreSQL every
    worker leads, and waits by sleeping."""

    def __init__(self) -> None:
        self._conn = None
        self._leading = False
        if connection.vendor == "postgresql":
            # A connection of its own: Django's may be closed or inside a transaction.
            self._conn = connection.get_new_connection(connection.get_connection_params())
            self._conn.autocommit = True
            self._execute(f"LISTEN {BACKLOG_CHANNEL}")

    def _execute(self, sql: str, params: tuple = ()) -> tuple | None:
        with self._conn.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone() if cursor.description else None

    def leading(self) -> bool:
        """Whether this worker leads; it takes the lead if no worker holds it."""
        if self._conn is None:
            return True
        if not self._leading and self._execute("SELECT pg_try_advisory_lock(%s)", (LEAD_LOCK,))[0]:
            self._execute(f"UNLISTEN {BACKLOG_CHANNEL}; LISTEN {CHANNEL}")
            self._leading = True
        return self._leading

    def report_backlog(self) -> None:
        """Wake the helping workers: deliveries arrive faster than this one applies them."""
        if self._conn is not None:
            self._execute(f"NOTIFY {BACKLOG_CHANNEL}")

    def wait(self, timeout: float) -> bool:
        """Return when notified since the last call (True), or after `timeout` seconds
        (False): of a new delivery when leading, of a backlog when helping."""
        if self._conn is None:
            time.sleep(min(timeout, 0.05))
            return False
        if not self._conn.notifies:
            select.select([self._conn], [], [], timeout)
            self._conn.poll()
        woken = bool(self._conn.notifies)
        self._conn.notifies.clear()
        return woken

    @property
    def broken(self) -> bool:
        """Its connection has gone (PostgreSQL restarted, say), and the lead with it."""
        return self._conn is not None and bool(self._conn.closed)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
