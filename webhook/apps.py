from django.apps import AppConfig


class WebhookConfig(AppConfig):
    name = "webhook"
    verbose_name = "Webhook deliveries"

    def ready(self) -> None:
        from webhook import checks  # noqa: F401  (registers the system checks)
