"""System checks for the inbound webhook's secrets: a clear start-up message instead of a
mysterious 403 at Meta's first delivery."""

from django.conf import settings
from django.core import checks


@checks.register()
def check_webhook_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    if not settings.WHATSAPP_APP_SECRET:
        errors.append(
            checks.Warning(
                "WHATSAPP_APP_SECRET is not set: every webhook delivery will be refused with 403.",
                hint="Copy the App Secret from Meta's App Dashboard > App settings > Basic.",
                id="webhook.W001",
            )
        )
    if not settings.WHATSAPP_WEBHOOK_VERIFY_TOKEN:
        errors.append(
            checks.Warning(
                "WHATSAPP_WEBHOOK_VERIFY_TOKEN is not set: Meta cannot verify the callback URL.",
                hint="Choose a random string and enter the same one in the App Dashboard.",
                id="webhook.W002",
            )
        )
    return errors
