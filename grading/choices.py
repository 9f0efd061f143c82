from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class GradingPolicyKind(models.TextChoices):
    RANKING = "ranking", _("Station ranking (top 10 / top 50)")
    SCORECARD = "scorecard", _("Scorecard (history and forecast scores)")


class GradeRunStatus(models.TextChoices):
    PENDING = "pending", pgettext_lazy("grade run status", "Pending")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")
    SUPERSEDED = "superseded", _("Superseded by a forced run")


# A non-dry run in one of these states owns its period (unique constraint, idempotency).
ACTIVE_RUN_STATUSES = [GradeRunStatus.PENDING, GradeRunStatus.RUNNING, GradeRunStatus.DONE]


class GradeChangeDirection(models.TextChoices):
    UP = "up", _("Up")
    DOWN = "down", _("Down")


class GradeChangeHeldReason(models.TextChoices):
    NONE = "", _("Not held")
    LOCK = "lock", _("Manual grade locked")
    HYSTERESIS = "hysteresis", _("Waiting for a second run (hysteresis)")


class VisitKind(models.TextChoices):
    ROUTINE = "routine", _("Routine visit (走访)")
    SAFETY = "safety", _("Safety check (安全检查)")
    USAGE_ANALYSIS = "usage_analysis", _("Usage analysis (用电分析)")
    QUALITY_REPORT = "quality_report", _("Supply quality report (供电质量报告)")
