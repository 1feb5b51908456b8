"""The webhook's part of `/healthz`: how Meta's deliveries fared over the last day. Registered
with `inbox.health` when the app loads."""

from datetime import timedelta
from typing import Any

from django.db.models import Count, Max, Q
from django.utils import timezone

from webhook.models import Delivery

WINDOW = timedelta(days=1)
# Deliveries are processed within seconds; one still waiting after this was left behind.
UNPROCESSED_AFTER = timedelta(minutes=1)


def check_deliveries() -> dict[str, Any]:
    now = timezone.now()
    totals = Delivery.objects.filter(received_at__gte=now - WINDOW).aggregate(
        received_24h=Count("pk"),
        failed_24h=Count("pk", filter=Q(state=Delivery.FAILED)),
        unprocessed=Count("pk", filter=Q(state=Delivery.RECEIVED, received_at__lt=now - UNPROCESSED_AFTER)),
        last_received_at=Max("received_at"),
    )
    if totals["failed_24h"]:
        state = "failing"
    elif totals["unprocessed"]:
        state = "backlog"
    else:
        state = "ok"
    last = totals["last_received_at"]
    return {**totals, "state": state, "last_received_at": last.isoformat() if last else None}
