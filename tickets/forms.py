"""The counter's one intake form for every kind of order (SPEC §8, §11): the complaint's form
(complaints/forms.py IntakeForm) with the kind chosen first and the fields of each kind."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from complaints.choices import OrderKind, ServiceType
from complaints.forms import IntakeForm
from complaints.services import MAX_DESCRIPTION

# the kinds in the order the counter meets them, each with its access key (Alt+key in Chromium,
# Alt+Shift+key in Firefox): complaint first, the default
KIND_KEYS = {
    OrderKind.COMPLAINT: "1", OrderKind.REPAIR: "2", OrderKind.ENQUIRY: "3", OrderKind.SERVICE: "4",
    OrderKind.REPORT: "5", OrderKind.OPINION: "6", OrderKind.SUGGESTION: "7", OrderKind.PRAISE: "8",
}

INSIDE = [("", _("Not asked yet")), ("false", _("No: on the grid side (send a crew)")),
          ("true", _("Yes: inside the customer's own installation (guidance by phone)"))]


class KindSelect(forms.RadioSelect):
    """Radio buttons for the kind, one access key each (the template draws them)."""


class OrderIntakeForm(IntakeForm):
    kind = forms.ChoiceField(label=_("Kind of order"), widget=KindSelect, required=False,
                             choices=[(k, OrderKind(k).label) for k in KIND_KEYS], initial=OrderKind.COMPLAINT)
    service_type = forms.ChoiceField(label=_("Type of service request"), required=False,
                                     choices=[("", "—"), *ServiceType.choices])
    inside_installation = forms.TypedChoiceField(
        label=_("Is the fault inside the customer's own installation?"), required=False, choices=INSIDE,
        coerce=lambda v: {"true": True, "false": False}.get(v), empty_value=None)
    address = forms.CharField(label=_("Address of the fault"), max_length=300, required=False)
    answer = forms.CharField(label=_("Answer given on the spot (leave blank to answer within 1 working day)"),
                             max_length=MAX_DESCRIPTION, required=False,
                             widget=forms.Textarea(attrs={"rows": 3, "maxlength": MAX_DESCRIPTION}))

    field_order = ["kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # what the order is about, for every kind (the complaint's own wording on a complaint)
        self.fields["category"].required = False
        self.fields["description"].label = _("What the caller says")

    @property
    def kind_choices(self):
        """(code, label, access key, checked) for the template's radio buttons."""
        current = self["kind"].value() or OrderKind.COMPLAINT
        return [(k, label, KIND_KEYS[k], k == current) for k, label in self.fields["kind"].choices]

    def clean(self):
        data = super().clean()
        kind = data.get("kind") or OrderKind.COMPLAINT
        if kind == OrderKind.COMPLAINT and not data.get("category") and "category" not in self.errors:
            self.add_error("category", _("Choose an active category item (not a class)."))
        if kind == OrderKind.SERVICE and not data.get("service_type"):
            self.add_error("service_type", _("Choose the type of service request."))
        return data
