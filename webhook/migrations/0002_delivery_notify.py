from django.db import migrations

CREATE = """
CREATE OR REPLACE FUNCTION webhook_delivery_notify() RETURNS trigger AS $$
BEGIN
    PERFORM pg_notify('webhook_delivery', '');
    RETURN NULL;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER webhook_delivery_notify AFTER INSERT ON webhook_delivery
    FOR EACH STATEMENT EXECUTE FUNCTION webhook_delivery_notify();
"""
DROP = """
DROP TRIGGER IF EXISTS webhook_delivery_notify ON webhook_delivery;
DROP FUNCTION IF EXISTS webhook_delivery_notify();
"""


def create(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(CREATE)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP)


class Migration(migrations.Migration):
    """Wake `process_webhooks` workers as soon as a delivery is stored (PostgreSQL only)."""

    dependencies = [("webhook", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
