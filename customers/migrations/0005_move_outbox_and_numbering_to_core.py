"""The outbox and the daily number counters now belong to core (core 0001): state only, the
tables stay."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_move_outbox_numbering_calendar"),
        ('customers', '0004_notification_sending_lease'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='DailySequence',
            ),
            migrations.DeleteModel(
                name='Notification',
            ),
        ], database_operations=[]),
    ]
