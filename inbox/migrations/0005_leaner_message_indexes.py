"""Fewer, smaller indexes on messages: the wamid index and the conversation index were
prefixes of others, and the author index held an entry for every inbound message, all NULL."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('inbox', '0004_unread_totals_index'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RemoveConstraint(
            model_name='message',
            name='message_unique_wamid',
        ),
        migrations.RemoveIndex(
            model_name='message',
            name='message_wamid',
        ),
        migrations.AlterField(
            model_name='message',
            name='author',
            field=models.ForeignKey(blank=True, db_index=False, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL),
        ),
        migrations.AlterField(
            model_name='message',
            name='conversation',
            field=models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='messages', to='inbox.conversation'),
        ),
        migrations.AddIndex(
            model_name='message',
            index=models.Index(condition=models.Q(('author__isnull', False)), fields=['author'], name='message_author'),
        ),
        migrations.AddConstraint(
            model_name='message',
            constraint=models.UniqueConstraint(fields=('message_id', 'phone_number_id'), name='message_unique_wamid'),
        ),
    ]
