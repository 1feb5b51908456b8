from django.db import migrations

ORDER = {"postgresql": "last_message_at DESC NULLS LAST, id DESC", "sqlite": "last_message_at DESC, id DESC"}


def create(apps, schema_editor):
    # In SQLite NULLs sort last in DESC order already; PostgreSQL needs NULLS LAST spelled out
    # for the list's ORDER BY to read the index instead of sorting every conversation.
    order = ORDER.get(schema_editor.connection.vendor, ORDER["sqlite"])
    schema_editor.execute(f"CREATE INDEX conversation_recent ON inbox_conversation ({order})")
    schema_editor.execute(f"CREATE INDEX conversation_unread ON inbox_conversation ({order}) WHERE unread_count > 0")


def drop(apps, schema_editor):
    schema_editor.execute("DROP INDEX conversation_unread")
    schema_editor.execute("DROP INDEX conversation_recent")


class Migration(migrations.Migration):
    """The conversation list's indexes, in SQL: SQLite can't index NULLS LAST."""

    dependencies = [("inbox", "0001_initial")]

    operations = [
        migrations.RemoveIndex(model_name="conversation", name="conversation_recent"),
        migrations.RunPython(create, drop),
    ]
