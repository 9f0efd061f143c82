from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.models import SupplyStation

from .choices import OutageKind

LOCAL = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class OutageCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OutageKind.choices, initial=OutageKind.FAULT)
    station = forms.ModelChoiceField(label=_("Supply station"), queryset=SupplyStation.objects.all(), required=False,
                                     to_field_name="code")
    lines = forms.CharField(label=_("Line codes (comma-separated)"), required=False, max_length=2000)
    areas = forms.CharField(label=_("Transformer area codes (comma-separated)"), required=False, max_length=2000)
    cause = forms.CharField(label=_("Cause"), max_length=200)
    planned_start = forms.DateTimeField(label=_("Planned start (planned, temporary)"), required=False, widget=LOCAL)
    started_at = forms.DateTimeField(label=_("Power off at (fault; empty = now)"), required=False, widget=LOCAL)
    estimated_restore_at = forms.DateTimeField(label=_("Estimated restore"), required=False, widget=LOCAL)


class EstimateForm(forms.Form):
    estimated_restore_at = forms.DateTimeField(label=_("New estimated restore"), widget=LOCAL)
    reason = forms.CharField(label=_("Reason"), max_length=500)
