"""`manage.py replay_deliveries`: process stored webhook deliveries again, after a bug fix.

By default it replays the failed deliveries and any a stopped process left unprocessed; `--id`
picks deliveries by id and `--all` takes every state (processed ones included: harmless, since
ingestion is idempotent). Exits non-zero while any of them still fails."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import dateparse, timezone

from webhook import replay
from webhook.models import Delivery

CHUNK = 100


def parse_when(value: str) -> datetime:
    """An ISO 8601 date or date-time; without a zone it is in the site's time zone."""
    when = dateparse.parse_datetime(value)
    if when is None:
        day = dateparse.parse_date(value)
        if day is None:
            raise ValueError(value)
        when = datetime.combine(day, time.min)
    return when if timezone.is_aware(when) else timezone.make_aware(when)


class Command(BaseCommand):
    help = "Process stored webhook deliveries again (by default: failed ones and ones left unprocessed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--id", dest="ids", type=int, nargs="+", metavar="N", help="Replay these deliveries.")
        parser.add_argument("--since", help="Only deliveries received at or after this ISO date/time.")
        parser.add_argument("--until", help="Only deliveries received before this ISO date/time.")
        parser.add_argument(
            "--all", dest="everything", action="store_true", help="Every state, processed deliveries included."
        )
        parser.add_argument("--dry-run", action="store_true", help="List what would be replayed, change nothing.")

    def handle(self, *args, ids, since, until, everything, dry_run, verbosity, **options) -> None:
        try:
            since_at = parse_when(since) if since else None
            until_at = parse_when(until) if until else None
        except ValueError as exc:
            raise CommandError(f"Not an ISO 8601 date or date-time: {exc}") from None
        selected = replay.select(ids=ids, since=since_at, until=until_at, everything=everything)
        pks = list(selected.values_list("pk", flat=True))
        if ids:
            missing = sorted(set(ids) - set(Delivery.objects.filter(pk__in=ids).values_list("pk", flat=True)))
            if missing:
                raise CommandError(f"No delivery with id {', '.join(map(str, missing))}.")
        if not pks:
            self.stdout.write("Nothing to replay.")
            return
        if dry_run:
            for pk, state, received_at in selected.values_list("pk", "state", "received_at"):
                self.stdout.write(f"delivery {pk}: {state}, received {received_at.isoformat()}")
            self.stdout.write(f"Would replay {len(pks)} deliveries.")
            return

        outcome = replay.Outcome()
        for start in range(0, len(pks), CHUNK):
            chunk = Delivery.objects.filter(pk__in=pks[start : start + CHUNK]).order_by("received_at", "pk")
            result = replay.replay_each(chunk)
            outcome.processed += result.processed
            outcome.failed += result.failed
            if verbosity >= 2:
                for pk in result.processed:
                    self.stdout.write(f"delivery {pk}: processed")
        errors = dict(Delivery.objects.filter(pk__in=outcome.failed).values_list("pk", "error"))
        for pk in outcome.failed:
            last_line = (errors.get(pk) or "").strip().splitlines()[-1:] or [""]
            self.stdout.write(f"delivery {pk}: failed: {last_line[0]}")
        self.stdout.write(
            f"Replayed {len(pks)} deliveries: {len(outcome.processed)} processed, {len(outcome.failed)} failed."
        )
        if outcome.failed:
            raise CommandError(f"{len(outcome.failed)} deliveries still fail; see the errors above or in the admin.")
