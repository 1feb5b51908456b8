"""Run the webhook processor as a process of its own."""

import gc
import os

from django.core.management.base import BaseCommand

from webhook import processor


class Command(BaseCommand):
    help = (
        "Apply stored webhook deliveries as they arrive. Run one or more beside servers started "
        "with RUN_WEBHOOK_PROCESSOR_IN_SERVER=False (needs REDIS_URL for the live push)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--nice",
            type=int,
            default=10,
            help="Lower this process's CPU priority by N (default 10), so that on a shared machine "
            "the servers' acknowledgements to Meta come first and processing catches up after a burst.",
        )

    def handle(self, *args, **options) -> None:
        if options["nice"]:
            os.nice(options["nice"])
        # What is loaded by now lives as long as the process; kept out of the garbage
        # collector's full collections, which would otherwise walk it every few seconds.
        gc.freeze()
        self.stdout.write("Processing webhook deliveries; stop with Ctrl+C.")
        try:
            processor.run_worker()
        except KeyboardInterrupt:
            pass
