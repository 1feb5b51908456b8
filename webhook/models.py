"""Raw webhook deliveries: the acknowledgement point and the replay source.

Meta keeps no copy of what it sent, so the body is stored byte for byte before anything is
parsed; once that row commits, the delivery can always be processed again."""

from collections.abc import Sequence

from django.db import connection, models
from django.utils import timezone

from inbox import sql_rows
from inbox.sql_lists import placeholders


class DeliveryManager(models.Manager):
    def store(self, *, body: bytes, signature: str) -> int:
        """Insert a received delivery and return its id."""
        return self.store_many([(body, signature)])[0]

    def store_many(self, deliveries: Sequence[tuple[bytes, str]]) -> list[int]:
        """Insert received deliveries, (body, signature) each, in one statement and return
        their ids in the same order. This is the webhook's acknowledgement path: a plain
        INSERT costs a third of the CPU of `create()`."""
        table = self.model._meta.db_table
        received_at = connection.ops.adapt_datetimefield_value(timezone.now())
        values = ", ".join(["(%s, %s, %s, %s, '', 0, 0, 0)"] * len(deliveries))
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (body, signature, received_at, state, error, attempts, messages, statuses)"
                f" VALUES {values} RETURNING id",
                [value for body, signature in deliveries for value in (body, signature, received_at, Delivery.RECEIVED)],
            )
            # Rows come back in the order of VALUES (as bulk_create relies on too).
            return [row[0] for row in cursor.fetchall()]

    def claim(self, pks: Sequence[int]) -> list["Delivery"]:
        """Lock these deliveries, oldest first, for the current transaction; any that another
        worker holds are left out."""
        if not pks:
            return []
        return self._claim(f"id IN ({placeholders(pks)})", list(pks))

    def claim_next(self, *, after: int, limit: int) -> list["Delivery"]:
        """Lock the oldest unprocessed deliveries with ids above `after`, as `claim` does."""
        return self._claim("id > %s AND state = %s", [after, Delivery.RECEIVED], limit=limit)

    def _claim(self, condition: str, params: list, *, limit: int | None = None) -> list["Delivery"]:
        # Plain SQL: a worker claims once per batch, and the ORM compiled the query anew
        # each time (1.0 against 0.7 ms with the commit).
        sql = f"WHERE {condition} ORDER BY id"
        if limit is not None:
            sql, params = sql + " LIMIT %s", [*params, limit]
        if connection.features.has_select_for_update_skip_locked:
            sql += " FOR UPDATE SKIP LOCKED"
        return sql_rows.fetch(self.model, sql, params)

    def mark_processed(self, pks: Sequence[int], *, messages: int, statuses: int) -> None:
        """Record deliveries as applied, with what each held. Every batch a worker applies ends
        here: a plain UPDATE costs a quarter of the ORM's `update()`, which compiles it anew."""
        table = self.model._meta.db_table
        processed_at = connection.ops.adapt_datetimefield_value(timezone.now())
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE {table} SET state = %s, error = '', attempts = attempts + 1, processed_at = %s,"
                f" messages = %s, statuses = %s WHERE id IN ({placeholders(pks)})",
                [Delivery.PROCESSED, processed_at, messages, statuses, *pks],
            )


class Delivery(models.Model):
    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"
    STATES = [(RECEIVED, "received"), (PROCESSED, "processed"), (FAILED, "failed")]

    body = models.BinaryField(help_text="The POST body exactly as received")
    signature = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=16, choices=STATES, default=RECEIVED)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0, help_text="Messages in the payload")
    statuses = models.PositiveIntegerField(default=0, help_text="Statuses in the payload")

    objects = DeliveryManager()

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-received_at", "-id"]
        indexes = [
            # Only the deliveries still to do (or to replay) are ever looked up by state; an index
            # of every state would take two new entries per delivery and bloat until vacuumed.
            models.Index(
                fields=["id"], name="delivery_unfinished", condition=models.Q(state="received") | models.Q(state="failed")
            ),
        ]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.state})"
