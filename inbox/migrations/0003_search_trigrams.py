from django.db import migrations

# icontains compiles to UPPER(col::text) LIKE UPPER('%term%') on PostgreSQL; trigram indexes on
# that expression let the inbox search 1M messages without reading them all.
INDEXES = {
    "message_text_trgm": ("inbox_message", "text_body"),
    "conversation_name_trgm": ("inbox_conversation", "contact_name"),
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for name, (table, column) in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    """Trigram indexes for the inbox search (PostgreSQL only; needs the pg_trgm extension,
    which a superuser can create beforehand if the inbox's database user may not)."""

    dependencies = [("inbox", "0002_list_indexes")]

    operations = [migrations.RunPython(create, drop)]
