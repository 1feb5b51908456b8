"""`python manage.py requeue_media`: queue again the media downloads whose worker died or whose
task was lost (pending, untouched for a quarter of an hour). Safe to run at any time and from
cron: a download that is still in progress or scheduled is left alone."""

from django.core.management.base import BaseCommand

from inbox import media


class Command(BaseCommand):
    help = "Queue again media downloads that were lost (a worker died, a task was never stored)."

    def handle(self, *args: object, **options: object) -> None:
        count = media.requeue_stale()
        self.stdout.write(f"Requeued {count} media download(s).")
