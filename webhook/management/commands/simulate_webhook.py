"""`manage.py simulate_webhook`: send the inbox Meta-shaped, signed webhook deliveries, as a
customer writing in (text, photo, document, voice note, location, reaction, quoted reply) or as
Meta reporting a delivery status; also a scripted exchange and the endless demo stream.

Media are registered with the fake Graph API first (`--graph-url`, default WHATSAPP_GRAPH_URL),
so the inbox can download them."""

import logging
import mimetypes
import sys
import time
from pathlib import Path
from urllib.parse import urljoin

import requests
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from inbox.fake_graph import webhooks
from webhook import demo_customers, sample_media, simulator
from webhook.simulator import Customer, Media

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Send simulated, signed WhatsApp webhook deliveries to the inbox."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--url", required=True, help="the webhook URL, e.g. http://127.0.0.1:8000/api/whatsapp/webhook/")
        parser.add_argument("--from", dest="wa_id", default="919876543210", help="the customer's number (wa_id)")
        parser.add_argument("--name", default="John Doe", help="the customer's profile name")
        what = parser.add_mutually_exclusive_group()
        what.add_argument("--text", help="a text message")
        what.add_argument("--image", nargs="?", const="", metavar="PATH", help="a photo (a generated one without PATH)")
        what.add_argument("--document", nargs="?", const="", metavar="PATH", help="a document (a generated PDF without PATH)")
        what.add_argument("--audio", nargs="?", const="", metavar="PATH", help="a voice note (generated without PATH)")
        what.add_argument("--location", metavar="LAT,LONG[,NAME[,ADDRESS]]", help="a location")
        what.add_argument("--reaction-to", metavar="WAMID", help="a reaction to this message (see --emoji)")
        what.add_argument("--status", metavar="STATUS", help="a delivery status (sent, delivered, read, failed) for --message-id")
        what.add_argument("--conversation", action="store_true", help="a realistic exchange, message by message")
        what.add_argument("--demo-stream", action="store_true", help="simulated customers writing in until stopped")
        parser.add_argument("--caption", default="", help="caption of an image or document")
        parser.add_argument("--emoji", default="👍", help='the reaction emoji ("" removes it)')
        parser.add_argument("--reply-to", metavar="WAMID", help="quote this message (a reply)")
        parser.add_argument("--message-id", metavar="WAMID", help="the outbound message a --status is about")
        parser.add_argument("--hours-ago", type=float, default=0, help="date the message this many hours back")
        parser.add_argument("--duplicate", action="store_true", help="send the same delivery twice, as Meta may")
        parser.add_argument("--batch", type=int, default=1, metavar="N", help="N messages in one delivery")
        parser.add_argument("--pause", type=float, default=1.5, help="seconds between --conversation messages")
        parser.add_argument("--wait-for-server", action="store_true", help="wait until the inbox answers first")
        parser.add_argument("--graph-url", help="the fake Graph API that serves the media (default WHATSAPP_GRAPH_URL)")
        parser.add_argument("--app-secret", help="signs the deliveries (default WHATSAPP_APP_SECRET)")
        parser.add_argument("--phone-number-id", help="the business number's id (default WHATSAPP_PHONE_NUMBER_ID)")

    def handle(self, *args: object, **options: object) -> None:
        app_secret = str(options["app_secret"] or settings.WHATSAPP_APP_SECRET)
        if not app_secret:
            raise CommandError("No app secret: pass --app-secret or set WHATSAPP_APP_SECRET (the inbox refuses unsigned deliveries).")
        url = str(options["url"])
        graph_url = str(options["graph_url"] or settings.WHATSAPP_GRAPH_URL)
        fake_graph = graph_url if not graph_url.startswith("https://graph.facebook.com") else None
        phone_number_id = str(options["phone_number_id"] or settings.WHATSAPP_PHONE_NUMBER_ID or webhooks.DEFAULT_PHONE_NUMBER_ID)
        if options["wait_for_server"]:
            self._wait(url, fake_graph)
        sender = demo_customers.Sender(url=url, app_secret=app_secret, graph_url=fake_graph, phone_number_id=phone_number_id)
        customer = Customer(str(options["wa_id"]), str(options["name"]))
        try:
            if options["demo_stream"]:
                self._demo(sender)
            elif options["conversation"]:
                wamids = demo_customers.play_exchange(sender, customer, pause=float(options["pause"]))  # type: ignore[arg-type]
                self.stdout.write(f"Sent {len(wamids)} messages from {customer.name}.")
            else:
                self._single(sender, customer, options)
        except requests.RequestException as exc:
            raise CommandError(f"Could not deliver to {url}: {exc}") from exc

    def _wait(self, url: str, graph_url: str | None) -> None:
        self.stdout.write(f"Waiting for {url} …")
        self.stdout.flush()
        # The health page, not the webhook: a GET there is a verification attempt, refused and logged.
        if not simulator.wait_for(urljoin(url, "/healthz")):
            raise CommandError(f"{url} did not answer.")
        if graph_url and not simulator.wait_for(f"{graph_url.rstrip('/')}/_control/health", timeout=30):
            self.stderr.write(f"The fake Graph API at {graph_url} did not answer: media downloads will fail.")

    def _demo(self, sender: demo_customers.Sender) -> None:
        if sender.graph_url:
            self._sync_templates()
        self.stdout.write("Simulated customers are writing in (Ctrl+C stops them).")
        self.stdout.flush()
        try:
            demo_customers.run_stream(sender)
        except KeyboardInterrupt:
            pass

    def _sync_templates(self) -> None:
        """The fake Graph API lists templates; fetch them so closed windows have something to send."""
        from inbox import whatsapp
        from inbox.template_sync import SyncError, sync_templates

        try:
            result = sync_templates(waba_id=settings.WHATSAPP_BUSINESS_ACCOUNT_ID or webhooks.DEFAULT_WABA_ID)
            self.stdout.write(f"Templates synced: {result}.")
        except (SyncError, whatsapp.GraphError) as exc:
            self.stderr.write(f"Templates not synced: {exc}")

    def _single(self, sender: demo_customers.Sender, customer: Customer, options: dict) -> None:
        if options["status"]:
            if not options["message_id"]:
                raise CommandError("--status needs --message-id (the wamid of an outbound message).")
            outgoing = simulator.delivery(
                statuses=[simulator.status(str(options["message_id"]), str(options["status"]), customer.wa_id)],
                app_secret=sender.app_secret,
                phone_number_id=sender.phone_number_id,
            )
        else:
            items, media = [], []
            for _ in range(max(1, int(options["batch"]))):
                item, files = self._message(customer, options)
                items.append(item)
                media.extend(files)
            outgoing = simulator.delivery(
                messages=items, customers=[customer], media=media,
                app_secret=sender.app_secret, phone_number_id=sender.phone_number_id,
            )
        for _ in range(2 if options["duplicate"] else 1):
            response = simulator.post(sender.url, outgoing, graph_url=sender.graph_url)
            self.stdout.write(f"HTTP {response.status_code} {response.text[:200]}".rstrip())
        for wamid in outgoing.wamids:
            self.stdout.write(wamid)
        if response.status_code != 200:
            sys.exit(1)

    def _message(self, customer: Customer, options: dict) -> tuple[dict, list[Media]]:
        at = time.time() - float(options["hours_ago"]) * 3600 if options["hours_ago"] else None
        message = {"reply_to": options["reply_to"], "at": at}
        caption = str(options["caption"])
        if options["image"] is not None:
            media = _file(options["image"], sample_media.photo_jpeg, "image/jpeg", "photo.jpg")
            return simulator.image(customer, media, caption, **message), [media]
        if options["document"] is not None:
            media = _file(options["document"], sample_media.invoice_pdf, "application/pdf", "receipt.pdf")
            return simulator.document(customer, media, caption, **message), [media]
        if options["audio"] is not None:
            media = _file(options["audio"], sample_media.voice_note_ogg, "audio/ogg; codecs=opus", "voice-note.ogg")
            return simulator.audio(customer, media, **message), [media]
        if options["location"]:
            parts = [p.strip() for p in str(options["location"]).split(",", 3)]
            try:
                latitude, longitude = float(parts[0]), float(parts[1])
            except (ValueError, IndexError):
                raise CommandError("--location takes LAT,LONG[,NAME[,ADDRESS]]") from None
            return simulator.location(customer, latitude, longitude, *parts[2:4], **message), []
        if options["reaction_to"]:
            return simulator.reaction(customer, str(options["reaction_to"]), str(options["emoji"]), at=at), []
        return simulator.text(customer, str(options["text"] or "Hello"), **message), []


def _file(path: str, generate, mime_type: str, filename: str) -> Media:
    """The file at `path`, or a generated sample when no path was given."""
    if not path:
        return Media(generate(), mime_type, filename)
    file = Path(path)
    if not file.is_file():
        raise CommandError(f"No such file: {path}")
    guessed = mimetypes.guess_type(file.name)[0] or mime_type
    return Media(file.read_bytes(), guessed, file.name)
