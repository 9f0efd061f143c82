"""Room for HOT updates of the deadline rows (PostgreSQL), and the rows of every existing complaint
and work order, set-based (clock.engine.backfill), with the level each deadline reached as the
sweep recorded it on the object's columns so far."""

from django.db import migrations


def rows_for_existing_data(apps, schema_editor):
    from clock.engine import backfill
    from complaints.lifecycle import COMPLAINT
    from workorders.lifecycle import WORK_ORDER

    Complaint = apps.get_model("complaints", "Complaint")
    WorkOrder = apps.get_model("workorders", "WorkOrder")
    backfill(COMPLAINT, Complaint.objects.all(),
             level_fields={"ack": "ack_level", "resolve": "resolve_level", "callback": "callback_level"})
    backfill(WORK_ORDER, WorkOrder.objects.all(), level_fields={"arrive": "arrive_level", "restore": "restore_level"})


def fillfactor(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute("ALTER TABLE clock_deadline SET (fillfactor = 80)")


class Migration(migrations.Migration):
    dependencies = [
        ("clock", "0001_deadlines"),
        ("complaints", "0007_fewer_indexes_on_complaint_writes"),
        ("workorders", "0004_fewer_indexes_on_work_order_writes"),
    ]

    operations = [
        migrations.RunPython(fillfactor, migrations.RunPython.noop),
        migrations.RunPython(rows_for_existing_data, migrations.RunPython.noop),
    ]
