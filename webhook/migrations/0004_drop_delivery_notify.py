from importlib import import_module

from django.db import migrations

# The trigger's own migration knows how to create and drop it.
trigger = import_module("webhook.migrations.0002_delivery_notify")


class Migration(migrations.Migration):
    """Stop notifying inside every delivery's INSERT: a notifying transaction holds PostgreSQL's
    database-wide notification lock through its commit, which serialised the webhook's
    acknowledgements. The webhook's fast path now notifies after its commits
    (`webhook.notifications.Waker`)."""

    dependencies = [("webhook", "0003_delivery_unfinished_index")]

    operations = [migrations.RunPython(trigger.drop, trigger.create)]
