"""A first history record ("+", reason "initial") for every configuration row that existed
before the history did, so every policy has a version to name (like populate_history)."""

from django.db import migrations
from django.utils import timezone

TRACKED = {
    "HistoricalSlaPolicy": ("complaints", "SlaPolicy"),
    "HistoricalWorkCalendarDay": ("core", "WorkCalendarDay"),
    "HistoricalComplaintCategory": ("complaints", "ComplaintCategory"),
    "HistoricalGradingPolicy": ("grading", "GradingPolicy"),
    "HistoricalPenaltyRule": ("reports", "PenaltyRule"),
    "HistoricalStaffProfile": ("customers", "StaffProfile"),
    "HistoricalUser": ("auth", "User"),
    "HistoricalGroup": ("auth", "Group"),
    "HistoricalPeriodicTask": ("django_celery_beat", "PeriodicTask"),
    "HistoricalCrontabSchedule": ("django_celery_beat", "CrontabSchedule"),
    "HistoricalIntervalSchedule": ("django_celery_beat", "IntervalSchedule"),
    "HistoricalClockedSchedule": ("django_celery_beat", "ClockedSchedule"),
    "HistoricalSolarSchedule": ("django_celery_beat", "SolarSchedule"),
}

# many-to-many snapshots: historical model -> (its m2m history model, field)
M2M = {"HistoricalGroup": ("HistoricalGroup_permissions", "permissions"),
       "HistoricalUser": ("HistoricalUser_groups", "groups")}


def initial_records(apps, schema_editor):
    now = timezone.now()
    for historical_name, (app_label, model_name) in TRACKED.items():
        historical = apps.get_model("audit", historical_name)
        model = apps.get_model(app_label, model_name)
        names = {f.attname for f in historical._meta.concrete_fields} - {
            "history_id", "history_date", "history_change_reason", "history_type", "history_user_id"}
        objs = list(model.objects.all())
        rows = historical.objects.bulk_create(
            [historical(history_date=now, history_type="+", history_change_reason="initial",
                        **{name: getattr(obj, name) for name in names}) for obj in objs], batch_size=1000)
        if historical_name in M2M:
            m2m_name, field = M2M[historical_name]
            m2m_history = apps.get_model("audit", m2m_name)
            through = model._meta.get_field(field).remote_field.through
            owner = model._meta.get_field(field).m2m_field_name()
            attnames = [f.attname for f in through._meta.concrete_fields]
            m2m_history.objects.bulk_create(
                [m2m_history(history_id=row.pk, **{a: getattr(t, a) for a in attnames})
                 for obj, row in zip(objs, rows, strict=True)
                 for t in through.objects.filter(**{owner: obj.pk})], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_configuration_history"),
        ("complaints", "0007_fewer_indexes_on_complaint_writes"),
        ("grading", "0003_decimal_defaults"),
        ("reports", "0003_daily_stats"),
        ("customers", "0004_notification_sending_lease"),
        ("core", "0001_move_outbox_numbering_calendar"),
        ("django_celery_beat", "0019_alter_periodictasks_options"),
    ]
    operations = [migrations.RunPython(initial_records, migrations.RunPython.noop)]
