from django.db import models
from django.utils.translation import gettext_lazy as _


class AreaType(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    REMOTE = "remote", _("Remote")


class ManagerTier(models.TextChoices):
    CHIEF = "chief", _("Chief (首席)")
    SENIOR = "senior", _("Senior (高级)")
    STANDARD = "standard", _("Standard (普通)")


class CustomerKind(models.TextChoices):
    RESIDENTIAL = "residential", _("Residential")
    COMMERCIAL = "commercial", _("Commercial")
    INDUSTRIAL = "industrial", _("Industrial")
    AGRICULTURAL = "agricultural", _("Agricultural")
    PUBLIC = "public", _("Public")


class ImportantLevel(models.TextChoices):
    NONE = "none", _("Not an important user")
    SPECIAL = "special", _("Special (特级)")
    FIRST = "first", _("First level (一级)")
    SECOND = "second", _("Second level (二级)")
    TEMPORARY = "temporary", _("Temporary (临时性)")


class Grade(models.TextChoices):
    A = "A", _("A · diamond (钻石客户)")
    B = "B", _("B · gold (金牌客户)")
    C = "C", _("C · ordinary (普通客户)")


class GradeSource(models.TextChoices):
    AUTO = "auto", _("Automatic")
    MANUAL = "manual", _("Manual")
