"""Stations, staff profiles, customers and consumption."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.models import TimeStamped

from .choices import (
    AreaType,
    CustomerKind,
    Grade,
    GradeSource,
    ImportantLevel,
    ManagerTier,
)
from .validators import account_no_validator, phone_validator


class SupplyStation(TimeStamped):
    """A supply station (供电所): owns customers, handles complaints, runs crews."""

    code = models.CharField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    area_type = models.CharField(_("default area type"), max_length=10, choices=AreaType.choices,
                                 default=AreaType.URBAN)
    head = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("station head"), null=True, blank=True,
                             on_delete=models.SET_NULL, related_name="headed_stations")

    class Meta:
        ordering = ["code"]
        verbose_name = _("supply station")
        verbose_name_plural = _("supply stations")

    def __str__(self):
        return f"{self.code} {self.name}"


class Line(TimeStamped):
    """A line (线路, a 10 kV feeder) of a station: outages are scoped to lines and areas (SPEC §12)."""

    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="lines", db_index=False)  # led by customers_line_code
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["station", "code"]
        verbose_name = _("line")
        verbose_name_plural = _("lines")
        constraints = [
            # also the index of the ordering and of the importer's (station, code) lookups
            models.UniqueConstraint(fields=["station", "code"], name="customers_line_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"


class TransformerArea(TimeStamped):
    """A transformer area (台区) on a line: the customers behind one distribution transformer."""

    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="areas", db_index=False)  # led by customers_area_code
    line = models.ForeignKey(Line, verbose_name=_("line"), on_delete=models.PROTECT, related_name="areas")
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["station", "code"]
        verbose_name = _("transformer area")
        verbose_name_plural = _("transformer areas")
        constraints = [
            models.UniqueConstraint(fields=["station", "code"], name="customers_area_code"),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.line_id and self.station_id and self.line.station_id != self.station_id:
            raise ValidationError({"line": _("The line belongs to another station.")})


class StaffProfile(TimeStamped):
    """What the service center knows of a user beyond Django's auth: station, tier, leadership."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="profile")
    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), null=True, blank=True,
                                on_delete=models.PROTECT, related_name="staff")
    leadership = models.BooleanField(_("member of the emergency leadership group"), default=False)
    manager_tier = models.CharField(_("account manager tier"), max_length=10, choices=ManagerTier.choices,
                                    blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="", validators=[phone_validator])

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("staff profile")
        verbose_name_plural = _("staff profiles")

    def __str__(self):
        return f"{self.user.get_username()} @ {self.station_id or '-'}"


class Customer(TimeStamped):
    """A customer account (户号) with its supply flags and its grade."""

    account_no = models.CharField(_("account number"), max_length=20, unique=True,
                                  validators=[account_no_validator])
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(pgettext_lazy("customer", "kind"), max_length=20, choices=CustomerKind.choices, default=CustomerKind.RESIDENTIAL)
    voltage_kv = models.DecimalField(_("voltage (kV)"), max_digits=7, decimal_places=3, default=Decimal("0.4"),
                                     validators=[MinValueValidator(Decimal("0.001"))])
    station = models.ForeignKey(SupplyStation, verbose_name=_("station"), on_delete=models.PROTECT,
                                related_name="customers")
    address = models.CharField(pgettext_lazy("customer", "address"), max_length=300, blank=True, default="")
    phone = models.CharField(_("phone"), max_length=20, blank=True, default="", validators=[phone_validator])
    contact_name = models.CharField(_("contact name"), max_length=100, blank=True, default="")
    dual_power_supply = models.BooleanField(_("dual power supply (双电源)"), default=False)
    dual_circuit = models.BooleanField(_("dual circuit (双回路)"), default=False)
    important_level = models.CharField(_("important power user level"), max_length=10,
                                       choices=ImportantLevel.choices, default=ImportantLevel.NONE)
    has_pv = models.BooleanField(_("photovoltaic (光伏)"), default=False)
    has_ev_charging = models.BooleanField(_("EV charging (充电桩)"), default=False)
    grade = models.CharField(_("grade"), max_length=1, choices=Grade.choices, default=Grade.C)
    grade_source = models.CharField(_("grade source"), max_length=10, choices=GradeSource.choices,
                                    default=GradeSource.AUTO)
    grade_locked_until = models.DateField(_("grade locked until"), null=True, blank=True)
    account_manager = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("account manager"), null=True,
                                        blank=True, on_delete=models.SET_NULL, related_name="managed_customers")
    # grid location (SPEC §12): an outage's scope finds its customers through these two indexes
    line = models.ForeignKey(Line, verbose_name=_("line"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="customers")
    area = models.ForeignKey(TransformerArea, verbose_name=_("transformer area"), null=True, blank=True,
                             on_delete=models.PROTECT, related_name="customers")

    class Meta:
        ordering = ["account_no"]
        verbose_name = _("customer")
        verbose_name_plural = _("customers")
        indexes = [
            # customer list filters: station + grade (API filter, my-customers, grading run)
            models.Index(fields=["station", "grade"], name="customers_customer_st_grade"),
            # phone search at the counter and repeat detection
            models.Index(fields=["phone"], name="customers_customer_phone"),
            # /my-customers/: the account manager's customers, A then B then C
            models.Index(fields=["account_manager", "grade"], name="customers_customer_am_grade"),
            models.Index(fields=["name"], name="customers_customer_name"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(grade__in=Grade.values), name="customers_customer_grade_valid"),
            models.CheckConstraint(condition=Q(voltage_kv__gt=0), name="customers_customer_voltage_positive"),
        ]

    def __str__(self):
        return f"{self.account_no} {self.name}"

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if self.line_id and self.line.station_id != self.station_id:
            errors["line"] = _("The line belongs to another station.")
        if self.area_id and self.area.station_id != self.station_id:
            errors["area"] = _("The transformer area belongs to another station.")
        elif self.area_id and self.line_id and self.area.line_id != self.line_id:
            errors["area"] = _("The transformer area is on another line.")
        if errors:
            raise ValidationError(errors)

    @property
    def default_complainant(self) -> str:
        """Who complains for this customer when the counter names no one: the contact person
        (for a company, a person, not the company's name), else the account holder."""
        return self.contact_name or self.name


class ConsumptionRecord(TimeStamped):
    """One month of a customer's consumption, imported from billing."""

    customer = models.ForeignKey(Customer, on_delete=models.CASCADE, related_name="consumption")
    period = models.DateField(_("period (first day of month)"))
    kwh = models.DecimalField(_("kWh"), max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    amount_yuan = models.DecimalField(_("amount (yuan)"), max_digits=14, decimal_places=2,
                                      validators=[MinValueValidator(0)])

    class Meta:
        ordering = ["customer_id", "period"]
        verbose_name = _("consumption record")
        verbose_name_plural = _("consumption records")
        constraints = [
            models.UniqueConstraint(fields=["customer", "period"], name="customers_consumption_unique_period"),
            models.CheckConstraint(condition=Q(period__day=1), name="customers_consumption_period_first_day"),
        ]
        indexes = [
            # grading run: trailing-12-month sums by period range
            models.Index(fields=["period", "customer"], name="customers_consumption_period"),
        ]

    def __str__(self):
        return f"{self.customer_id} {self.period:%Y-%m}: {self.amount_yuan}"
