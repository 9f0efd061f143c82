from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from customers.choices import AreaType
from customers.models import Customer, SupplyStation

from .choices import WorkOrderKind, WorkOrderPriority


class WorkOrderCreateForm(forms.Form):
    kind = forms.ChoiceField(label=_("Type of work"), choices=WorkOrderKind.choices, initial=WorkOrderKind.REPAIR)
    station = forms.ModelChoiceField(label=_("Supply station"), queryset=SupplyStation.objects.all(), required=False,
                                     to_field_name="code")
    account_no = forms.CharField(label=_("Customer account number (户号)"), required=False, max_length=20)
    address = forms.CharField(label=_("Site address"), required=False, max_length=300)
    area_type = forms.ChoiceField(label=_("Area"), choices=[("", _("Station default")), *AreaType.choices],
                                  required=False)
    priority = forms.TypedChoiceField(label=_("Priority"), choices=WorkOrderPriority.choices, coerce=int,
                                      initial=WorkOrderPriority.NORMAL)
    contact_name = forms.CharField(label=_("Contact name"), required=False, max_length=100)
    contact_phone = forms.CharField(label=_("Contact phone"), required=False, max_length=20)
    description = forms.CharField(label=_("What is to be done"), required=False, widget=forms.Textarea(
        attrs={"rows": 4}), max_length=5000)
    due_at = forms.DateTimeField(label=_("Due (other kinds than repair; empty = default)"), required=False,
                                 widget=forms.DateTimeInput(attrs={"type": "datetime-local"},
                                                            format="%Y-%m-%dT%H:%M"))
    idempotency_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def clean_account_no(self):
        value = (self.cleaned_data.get("account_no") or "").strip()
        if not value:
            return None
        customer = Customer.objects.select_related("station").filter(account_no=value).first()
        if customer is None:
            raise forms.ValidationError(_("No customer with this account number."))
        return customer
