"""Raw webhook deliveries: the acknowledgement point and the replay source.

Meta keeps no copy of what it sent, so the body is stored byte for byte before anything is
parsed; once that row commits, the delivery can always be processed again."""

from django.db import models


class Delivery(models.Model):
    RECEIVED = "received"
    PROCESSED = "processed"
    FAILED = "failed"
    STATES = [(RECEIVED, "received"), (PROCESSED, "processed"), (FAILED, "failed")]

    body = models.BinaryField(help_text="The POST body exactly as received")
    signature = models.CharField(max_length=100, blank=True)
    received_at = models.DateTimeField(auto_now_add=True, db_index=True)
    state = models.CharField(max_length=16, choices=STATES, default=RECEIVED, db_index=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=0)
    messages = models.PositiveIntegerField(default=0, help_text="Messages in the payload")
    statuses = models.PositiveIntegerField(default=0, help_text="Statuses in the payload")

    class Meta:
        verbose_name_plural = "deliveries"
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"delivery {self.pk} ({self.state})"
