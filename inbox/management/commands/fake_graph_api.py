"""`manage.py fake_graph_api`: run the fake WhatsApp Graph API in the foreground, so the inbox
can send, download media and receive delivery statuses without a Meta account."""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandParser

from inbox.fake_graph.server import FakeGraphApp, FakeGraphServer

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Run a fake WhatsApp Graph API (sends, media, templates, faults, status webhooks)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1")
        parser.add_argument("--port", type=int, default=8001)
        parser.add_argument("--webhook-url", help="where to POST the signed status webhooks (sent, delivered, read)")
        parser.add_argument("--app-secret", help="signs the status webhooks (default: WHATSAPP_APP_SECRET)")
        parser.add_argument("--status-delay", type=float, default=1.5, help="seconds between sent, delivered and read")
        parser.add_argument("--no-statuses", action="store_true", help="send no status webhooks")
        parser.add_argument("--url-ttl", type=float, default=300, help="seconds a media download URL stays valid")

    def handle(self, *args: object, **options: object) -> None:
        app_secret = str(options["app_secret"] or settings.WHATSAPP_APP_SECRET)
        webhook_url = options["webhook_url"]
        if webhook_url and not app_secret:
            self.stderr.write("No app secret (--app-secret or WHATSAPP_APP_SECRET): status webhooks will be refused.")
        app = FakeGraphApp(
            webhook_url=str(webhook_url) if webhook_url else None,
            app_secret=app_secret,
            status_delay=float(options["status_delay"]),  # type: ignore[arg-type]
            send_statuses=not options["no_statuses"],
            url_ttl=float(options["url_ttl"]),  # type: ignore[arg-type]
        )
        server = FakeGraphServer((str(options["host"]), int(options["port"])), app)  # type: ignore[arg-type]
        app.sender.start()
        target = f", status webhooks to {webhook_url}" if webhook_url else ", no status webhooks (no --webhook-url)"
        self.stdout.write(f"Fake Graph API at {app.base_url}{target}. Point WHATSAPP_GRAPH_URL at it.", ending="\n")
        self.stdout.flush()
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass
        finally:
            app.state.stopping.set()
            server.server_close()
            server.close_connections()
            app.sender.stop()
