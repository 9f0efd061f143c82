"""The outbox (Notification), the daily number counters (DailySequence) and the work calendar
(WorkCalendarDay) move into core, state only: their tables keep their names, nothing is copied.
Their content types follow them, so admin permissions given to groups stay attached."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


MOVED = [("customers", "notification"), ("customers", "dailysequence"), ("complaints", "workcalendarday")]


def _move(apps, pairs):
    ContentType = apps.get_model("contenttypes", "ContentType")
    for old, new, model in pairs:
        if not ContentType.objects.filter(app_label=new, model=model).exists():
            ContentType.objects.filter(app_label=old, model=model).update(app_label=new)


def move_content_types(apps, schema_editor):
    _move(apps, [(old, "core", model) for old, model in MOVED])


def move_content_types_back(apps, schema_editor):
    _move(apps, [("core", old, model) for old, model in MOVED])


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("customers", "0004_notification_sending_lease"),
        ("complaints", "0007_fewer_indexes_on_complaint_writes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(state_operations=[
            migrations.CreateModel(
                name='WorkCalendarDay',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('date', models.DateField(unique=True, verbose_name='date')),
                    ('is_workday', models.BooleanField(verbose_name='working day')),
                    ('name', models.CharField(blank=True, default='', max_length=100, verbose_name='name')),
                    ('source', models.CharField(default='manual', max_length=20, verbose_name='source')),
                ],
                options={
                    'verbose_name': 'work calendar day',
                    'verbose_name_plural': 'work calendar',
                    'db_table': 'complaints_workcalendarday',
                    'ordering': ['date'],
                },
            ),
            migrations.CreateModel(
                name='DailySequence',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('prefix', models.CharField(max_length=10)),
                    ('day', models.DateField()),
                    ('last', models.PositiveIntegerField(default=0)),
                ],
                options={
                    'db_table': 'customers_dailysequence',
                    'constraints': [models.UniqueConstraint(fields=('prefix', 'day'), name='customers_dailysequence_unique')],
                },
            ),
            migrations.CreateModel(
                name='Notification',
                fields=[
                    ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                    ('created_at', models.DateTimeField(auto_now_add=True, verbose_name='created at')),
                    ('updated_at', models.DateTimeField(auto_now=True, verbose_name='updated at')),
                    ('channel', models.CharField(choices=[('in_app', 'In the application'), ('email', 'E-mail'), ('sms', 'SMS')], default='in_app', max_length=10, verbose_name='channel')),
                    ('kind', models.CharField(max_length=50, verbose_name='kind')),
                    ('dedupe_key', models.CharField(max_length=200)),
                    ('subject', models.CharField(max_length=200, verbose_name='subject')),
                    ('body', models.TextField(blank=True, default='', verbose_name='body')),
                    ('link', models.CharField(blank=True, default='', max_length=300, verbose_name='link')),
                    ('urgent', models.BooleanField(default=False, verbose_name='urgent (ignores quiet hours)')),
                    ('status', models.CharField(choices=[('pending', 'Pending'), ('sending', 'Sending'), ('sent', 'Sent'), ('failed', 'Failed (gave up)')], default='pending', max_length=10, verbose_name='status')),
                    ('attempts', models.PositiveIntegerField(default=0)),
                    ('next_attempt_at', models.DateTimeField(blank=True, null=True)),
                    ('claimed_at', models.DateTimeField(blank=True, null=True)),
                    ('last_error', models.TextField(blank=True, default='')),
                    ('sent_at', models.DateTimeField(blank=True, null=True)),
                    ('read_at', models.DateTimeField(blank=True, null=True)),
                    ('recipient', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='notifications', to=settings.AUTH_USER_MODEL)),
                ],
                options={
                    'verbose_name': 'notification',
                    'verbose_name_plural': 'notifications',
                    'db_table': 'customers_notification',
                    'ordering': ['-created_at', '-id'],
                    'indexes': [models.Index(condition=models.Q(('status', 'pending')), fields=['next_attempt_at'], name='customers_notif_pending'), models.Index(fields=['recipient', '-created_at'], name='customers_notif_inbox'), models.Index(condition=models.Q(('status', 'sending')), fields=['claimed_at'], name='customers_notif_sending')],
                    'constraints': [models.UniqueConstraint(fields=('recipient', 'channel', 'dedupe_key'), name='customers_notification_unique_event')],
                },
            ),
        ], database_operations=[]),
        migrations.RunPython(move_content_types, move_content_types_back),
    ]
