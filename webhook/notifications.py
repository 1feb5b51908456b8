"""Waking webhook workers the moment a delivery is stored: a PostgreSQL trigger on the delivery
table notifies the `webhook_delivery` channel (see migration 0002), and `Listener` waits on it.
Other databases have no notifications; there the listener simply sleeps."""

import select
import time

from django.db import connection

CHANNEL = "webhook_delivery"


class Listener:
    def __init__(self) -> None:
        self._conn = None
        if connection.vendor == "postgresql":
            # A connection of its own: Django's may be closed or inside a transaction.
            self._conn = connection.get_new_connection(connection.get_connection_params())
            self._conn.autocommit = True
            with self._conn.cursor() as cursor:
                cursor.execute(f"LISTEN {CHANNEL}")

    def wait(self, timeout: float) -> None:
        """Return when a delivery was stored since the last call, or after `timeout` seconds."""
        if self._conn is None:
            time.sleep(min(timeout, 0.05))
            return
        if not self._conn.notifies:
            select.select([self._conn], [], [], timeout)
            self._conn.poll()
        self._conn.notifies.clear()

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
