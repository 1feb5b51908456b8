from django.apps import AppConfig


class WebhookConfig(AppConfig):
    name = "webhook"
    verbose_name = "Webhook deliveries"

    def ready(self) -> None:
        from inbox import health
        from webhook import checks  # noqa: F401  (registers the system checks)
        from webhook.health import check_deliveries

        health.register("webhook", check_deliveries)
