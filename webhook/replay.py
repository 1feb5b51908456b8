"""Processing stored deliveries again: after a bug fix, for deliveries that failed, or for ones a
stopped process left unprocessed. Safe to repeat, because ingestion is idempotent on Meta's ids
and each delivery is applied in its own transaction."""

import logging
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db.models import Q, QuerySet
from django.utils import timezone

from webhook import ingest
from webhook.models import Delivery

logger = logging.getLogger(__name__)

# A delivery still `received` this long after it arrived was left by a process that stopped
# (the live processor handles fresh ones within seconds).
STUCK_AFTER = timedelta(minutes=5)


@dataclass
class Outcome:
    processed: list[int] = field(default_factory=list)
    failed: list[int] = field(default_factory=list)


def replay(deliveries: Iterable[Delivery]) -> tuple[int, int]:
    """Process each delivery again, oldest first as given. Returns (processed, failed)."""
    outcome = replay_each(deliveries)
    return len(outcome.processed), len(outcome.failed)


def replay_each(deliveries: Iterable[Delivery]) -> Outcome:
    """Like `replay`, naming the delivery ids on each side."""
    outcome = Outcome()
    for delivery in deliveries:
        if ingest.process_delivery(delivery):
            outcome.processed.append(delivery.pk)
        else:
            outcome.failed.append(delivery.pk)
    if outcome.processed or outcome.failed:
        logger.info("replayed deliveries: %d processed, %d failed", len(outcome.processed), len(outcome.failed))
    return outcome


def select(
    *,
    ids: list[int] | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    everything: bool = False,
) -> QuerySet[Delivery]:
    """Deliveries to replay, oldest first. By default the failed ones and those stuck in
    `received`; `ids` or `everything` take any state. `since`/`until` bound the arrival time."""
    deliveries = Delivery.objects.order_by("received_at", "pk")
    if ids:
        deliveries = deliveries.filter(pk__in=ids)
    elif not everything:
        stuck = Q(state=Delivery.RECEIVED, received_at__lt=timezone.now() - STUCK_AFTER)
        deliveries = deliveries.filter(Q(state=Delivery.FAILED) | stuck)
    if since is not None:
        deliveries = deliveries.filter(received_at__gte=since)
    if until is not None:
        deliveries = deliveries.filter(received_at__lt=until)
    return deliveries
