"""`manage.py sync_templates`: fetch the message templates from Meta, so agents can send the
approved ones after a conversation's 24-hour window has closed."""

from django.core.management.base import BaseCommand, CommandError, CommandParser

from inbox import whatsapp
from inbox.template_sync import SyncError, sync_templates


class Command(BaseCommand):
    help = "Fetch the WhatsApp Business Account's message templates from Meta."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--waba-id", help="the WhatsApp Business Account id (default: WHATSAPP_BUSINESS_ACCOUNT_ID)")

    def handle(self, *args: object, **options: object) -> None:
        try:
            result = sync_templates(waba_id=str(options["waba_id"] or "") or None)
        except SyncError as exc:
            raise CommandError(str(exc)) from exc
        except whatsapp.GraphError as exc:
            raise CommandError(f"Meta refused the template list: {exc.reason}") from exc
        self.stdout.write(f"Templates synced: {result}.")
