"""Seed the 17 complaint categories, SPEC §4's SLA policies and the work calendar."""

from django.db import migrations
from django.utils import timezone


def seed(apps, schema_editor):
    from complaints.seeds import CATEGORIES, SLA_POLICIES
    from core.seeds import calendar_rows, seed_years

    Category = apps.get_model("complaints", "ComplaintCategory")
    Policy = apps.get_model("complaints", "SlaPolicy")
    Day = apps.get_model("complaints", "WorkCalendarDay")
    for order, (code, name, name_en, items) in enumerate(CATEGORIES, start=1):
        parent, _ = Category.objects.get_or_create(
            code=code, defaults={"name": name, "name_en": name_en, "sort_order": order * 100})
        for i, (item_code, item_name, item_en) in enumerate(items, start=1):
            Category.objects.get_or_create(code=item_code, defaults={
                "name": item_name, "name_en": item_en, "parent": parent, "sort_order": order * 100 + i})
    for name, severity, grade, channel, priority, ack, resolve, callback in SLA_POLICIES:
        Policy.objects.get_or_create(name=name, defaults={
            "severity": severity, "grade": grade, "channel": channel, "priority": priority,
            "ack_amount": ack[0], "ack_unit": ack[1], "resolve_amount": resolve[0], "resolve_unit": resolve[1],
            "callback_amount": callback[0], "callback_unit": callback[1]})
    for year in seed_years(timezone.localdate().year):
        for day, is_workday, name in calendar_rows(year):
            Day.objects.get_or_create(date=day, defaults={
                "is_workday": is_workday, "name": name, "source": "chinesecalendar"})


def unseed(apps, schema_editor):
    from complaints.seeds import SLA_POLICIES

    apps.get_model("complaints", "WorkCalendarDay").objects.filter(source="chinesecalendar").delete()
    Policy = apps.get_model("complaints", "SlaPolicy")
    Policy.objects.filter(name__in=[p[0] for p in SLA_POLICIES], complaints__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0002_warning_times_resolver_close_reason")]

    operations = [migrations.RunPython(seed, unseed)]
