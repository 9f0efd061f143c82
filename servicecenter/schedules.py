"""The periodic schedule of SPEC §5, in one place. `manage.py setup_schedules` loads it into
django-celery-beat (editable in admin afterwards: an existing entry's timing is not overwritten).

Each entry: name -> (task name, crontab fields, queue, expires seconds). `expires` drops a
message that waited too long (a minute-sweep queued behind a backlog is useless an hour later).
"""

SCHEDULE = {
    "enforce-sla": ("complaints.enforce_sla", {"minute": "*"}, "sla", 55),
    "send-notifications": ("customers.send_notifications", {"minute": "*"}, "notifications", 55),
    "reevaluate-grades": ("grading.reevaluate_grades", {"minute": "0", "hour": "2", "day_of_month": "1"},
                          "grading", 6 * 3600),
    "build-daily-report": ("reports.build_reports", {"minute": "15", "hour": "0"}, "reports", 3 * 3600),
    "build-weekly-report": ("reports.build_reports", {"minute": "0", "hour": "8", "day_of_week": "1"},
                            "reports", 3 * 3600),
    "build-monthly-report": ("reports.build_reports", {"minute": "0", "hour": "6", "day_of_month": "1"},
                             "reports", 3 * 3600),
    "build-missing-reports": ("reports.build_missing_reports", {"minute": "*/10"}, "reports", 540),
    "refresh-report-stats": ("reports.refresh_stats", {"minute": "*"}, "reports", 55),
    "rebuild-report-stats": ("reports.refresh_stats", {"minute": "5", "hour": "0"}, "reports", 3 * 3600),
    "requeue-stuck-grade-runs": ("grading.requeue_stuck_runs", {"minute": "*"}, "grading", 55),
    "remind-visits": ("grading.remind_visits", {"minute": "30", "hour": "7"}, "default", 3 * 3600),
    "purge-idempotency-keys": ("workorders.purge_idempotency_keys", {"minute": "40", "hour": "3"}, "default",
                               3 * 3600),
}

# Arguments of the entries that share one task.
SCHEDULE_KWARGS = {
    "build-daily-report": {"kind": "daily"},
    "build-weekly-report": {"kind": "weekly"},
    "build-monthly-report": {"kind": "monthly"},
    "rebuild-report-stats": {"full": True},
}
