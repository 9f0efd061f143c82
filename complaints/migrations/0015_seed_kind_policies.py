"""Seed the SLA policies of the kinds of order (SPEC §11) and of the severities and channels added
to SPEC §4 (complaints/seeds.py KIND_POLICIES). Existing `major` complaints keep `major` (重大):
the value is unchanged, `significant` and `special` are new."""

from django.db import migrations


def seed(apps, schema_editor):
    from complaints.seeds import KIND_POLICIES, kind_policy_fields

    Policy = apps.get_model("complaints", "SlaPolicy")
    for row in KIND_POLICIES:
        Policy.objects.get_or_create(name=row["name"], defaults=kind_policy_fields(row))


def unseed(apps, schema_editor):
    from complaints.seeds import KIND_POLICIES

    Policy = apps.get_model("complaints", "SlaPolicy")
    Policy.objects.filter(name__in=[p["name"] for p in KIND_POLICIES], complaints__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("complaints", "0014_order_kinds")]

    operations = [migrations.RunPython(seed, unseed)]
