"""System checks for the inbox's outbound settings and production safety."""

from django.conf import settings
from django.core import checks

from inbox import whatsapp


@checks.register(checks.Tags.security, deploy=True)
def check_production_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    if settings.SECRET_KEY.startswith("insecure-"):
        errors.append(checks.Warning("SECRET_KEY is the development default.", hint="Set SECRET_KEY.", id="inbox.W001"))
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        errors.append(
            checks.Warning(
                "The database is SQLite, meant for trying the inbox on one machine.",
                hint="Set DATABASE_URL to a PostgreSQL database.",
                id="inbox.W002",
            )
        )
    if "InMemoryChannelLayer" in settings.CHANNEL_LAYERS["default"]["BACKEND"]:
        errors.append(
            checks.Warning(
                "The channel layer is in memory: agents on other server processes miss live updates.",
                hint="Set REDIS_URL.",
                id="inbox.W003",
            )
        )
    return errors


@checks.register()
def check_outbound_settings(app_configs, **kwargs) -> list[checks.CheckMessage]:
    errors = []
    if not whatsapp.has_token():
        errors.append(
            checks.Warning(
                "WHATSAPP_ACCESS_TOKEN is not set: replies, read receipts and media downloads will fail.",
                hint="Set it to a system user token with whatsapp_business_messaging permission.",
                id="inbox.W010",
            )
        )
    if not settings.WHATSAPP_GRAPH_URL.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        errors.append(
            checks.Error(
                "WHATSAPP_GRAPH_URL must be an https:// URL (or a local fake Graph API).",
                id="inbox.E011",
            )
        )
    return errors
