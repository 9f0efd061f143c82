"""Which models are configuration, and so have a history (SPEC §13 "Nothing lost").

Each is registered here rather than in its own app, so the historical tables live in one app
(`audit_historical<model>`), the models' apps stay unaware, and third-party models (users,
groups, periodic schedules) are covered the same way. Every change made through a request
(admin, pages, API) records its user (HistoryRequestMiddleware); commands record none.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django_celery_beat.models import (
    ClockedSchedule,
    CrontabSchedule,
    IntervalSchedule,
    PeriodicTask,
    SolarSchedule,
)
from simple_history import register

from complaints.models import ComplaintCategory, SlaPolicy
from core.models import WorkCalendarDay
from customers.models import StaffProfile
from grading.models import GradingPolicy
from reports.models import PenaltyRule

from .history import ConfigHistory

TRACKED = [
    # (model, register() options)
    (SlaPolicy, {}),
    (WorkCalendarDay, {}),
    (ComplaintCategory, {}),
    (GradingPolicy, {}),
    (PenaltyRule, {}),
    (StaffProfile, {}),
    # the password hash is not kept (a change of password is not configuration), nor the sign-in time
    (get_user_model(), {"excluded_fields": ["password", "last_login"], "m2m_fields": ["groups"]}),
    (Group, {"m2m_fields": ["permissions"]}),
    (PeriodicTask, {"excluded_fields": ["last_run_at", "total_run_count", "date_changed"]}),
    (CrontabSchedule, {}),
    (IntervalSchedule, {}),
    (ClockedSchedule, {}),
    (SolarSchedule, {}),
]

for _model, _options in TRACKED:
    register(_model, app="audit", records_class=ConfigHistory, **_options)
