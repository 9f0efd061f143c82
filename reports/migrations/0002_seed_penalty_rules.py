"""Seed the staff-assessment amounts of DOMAIN.md (one seed's local rules); editable in admin."""

from decimal import Decimal

from django.db import migrations

RULES = [
    # (category code, label, amount, public notice)
    ("", "每件属实有效投诉，考核第一责任人 (every effective complaint, first responsible person)", "20", False),
    ("service.attitude", "服务态度（态度生硬）(rudeness)", "20", False),
    ("service.conduct", "服务承诺范围内因员工原因造成的属实投诉 (breach of the service commitments by staff)",
     "50", False),
    ("service.bribery", "吃拿卡要 (asking for favours or bribes): map to a category code if the utility adds one",
     "100", True),
]


def seed(apps, schema_editor):
    PenaltyRule = apps.get_model("reports", "PenaltyRule")
    for code, label, amount, notice in RULES:
        PenaltyRule.objects.get_or_create(category_code=code, active=True,
                                          defaults={"label": label, "amount_yuan": Decimal(amount),
                                                    "public_notice": notice})


def unseed(apps, schema_editor):
    PenaltyRule = apps.get_model("reports", "PenaltyRule")
    PenaltyRule.objects.filter(category_code__in=[r[0] for r in RULES]).delete()


class Migration(migrations.Migration):
    dependencies = [("reports", "0001_snapshots_and_penalties")]

    operations = [migrations.RunPython(seed, unseed)]
