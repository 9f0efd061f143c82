"""The work calendar now belongs to core (core 0001): state only, the table stays."""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0001_move_outbox_numbering_calendar"),
        ('complaints', '0009_fk_indexes_led_by_timeline_indexes'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.DeleteModel(
                name='WorkCalendarDay',
            ),
        ], database_operations=[]),
    ]
