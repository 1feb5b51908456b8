"""Run the webhook processor as a process of its own."""

from django.core.management.base import BaseCommand

from webhook import processor


class Command(BaseCommand):
    help = (
        "Apply stored webhook deliveries as they arrive. Run one or more beside servers started "
        "with RUN_WEBHOOK_PROCESSOR_IN_SERVER=False (needs REDIS_URL for the live push)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write("Processing webhook deliveries; stop with Ctrl+C.")
        try:
            processor.run_worker()
        except KeyboardInterrupt:
            pass
