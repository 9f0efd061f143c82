from django.db import migrations


def create_default(apps, schema_editor):
    GradingPolicy = apps.get_model("grading", "GradingPolicy")
    if not GradingPolicy.objects.exists():
        GradingPolicy.objects.create(name="default", kind="ranking", is_active=True)


def remove_default(apps, schema_editor):
    apps.get_model("grading", "GradingPolicy").objects.filter(name="default", version=1, runs__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("grading", "0001_initial")]

    operations = [migrations.RunPython(create_default, remove_default)]
