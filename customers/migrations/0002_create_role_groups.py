"""The six roles of SPEC §1 as Django groups. Their permissions are set after every migrate by
servicecenter.roles.sync_role_permissions (permissions of later apps do not exist yet here)."""

from django.db import migrations

ROLES = ["counter", "handler", "manager", "account_manager", "crew", "admin"]


def create_groups(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ROLES:
        Group.objects.get_or_create(name=name)


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLES).delete()


class Migration(migrations.Migration):
    dependencies = [("customers", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create_groups, delete_groups)]
