"""Page forms: the counter intake form and one small form per lifecycle action."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.utils.translation import gettext_lazy as _

from customers.models import SupplyStation
from servicecenter.inputs import MAX_NOTE, MAX_TEXT

from .choices import AckHow, ComplaintChannel, ComplaintSeverity, Satisfaction
from .selectors import category_tree
from .services import MAX_DESCRIPTION

DATETIME_LOCAL = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%d %H:%M"]


class DateTimeLocalInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


YES_NO = [("", "—"), ("true", _("Yes")), ("false", _("No"))]


def _bool(value: str):
    return {"true": True, "false": False}.get(value)


class IntakeForm(forms.Form):
    customer = forms.IntegerField(required=False, widget=forms.HiddenInput)
    channel = forms.ChoiceField(label=_("Channel"), choices=ComplaintChannel.choices, initial=ComplaintChannel.COUNTER)
    received_at = forms.DateTimeField(label=_("Received at (phone calls and letters received earlier)"),
                                      required=False, input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput())
    anonymous = forms.BooleanField(label=_("Anonymous"), required=False)
    complainant_name = forms.CharField(label=_("Complainant name"), max_length=100, required=False)
    complainant_phone = forms.CharField(label=_("Phone for the callback"), max_length=20, required=False,
                                        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel"}))
    category = forms.ChoiceField(label=_("Category"))
    severity = forms.ChoiceField(label=_("Severity"), choices=ComplaintSeverity.choices,
                                 initial=ComplaintSeverity.NORMAL)
    station = forms.ModelChoiceField(label=_("Supply station (walk-ins)"), queryset=SupplyStation.objects.all(),
                                     to_field_name="code", required=False)
    description = forms.CharField(label=_("What the complaint is about"), max_length=MAX_DESCRIPTION,
                                  widget=forms.Textarea(attrs={"rows": 5, "maxlength": MAX_DESCRIPTION}))
    acknowledge_now = forms.BooleanField(label=_("Resolved the contact on the spot (first contact made now)"),
                                         required=False)
    ack_note = forms.CharField(label=_("What was explained"), required=False, max_length=MAX_NOTE)

    def __init__(self, *args, show_station=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "—")] + [
            (cls.label, [(item.code, item.label) for item in items]) for cls, items in category_tree()]
        if not show_station:
            del self.fields["station"]


class AcknowledgeForm(forms.Form):
    how = forms.ChoiceField(label=_("How"), choices=AckHow.choices, initial=AckHow.PHONE)
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500)


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)


class RequestExtensionForm(forms.Form):
    requested_due_at = forms.DateTimeField(label=_("New deadline"), input_formats=DATETIME_LOCAL,
                                           widget=DateTimeLocalInput())
    reason = forms.CharField(label=_("Reason"), max_length=MAX_NOTE)


class ApproveExtensionForm(forms.Form):
    approve = forms.TypedChoiceField(label=_("Decision"), coerce=_bool,
                                     choices=[("true", _("Approve")), ("false", _("Reject"))])
    due_at = forms.DateTimeField(label=_("Deadline (blank: as requested)"), required=False,
                                 input_formats=DATETIME_LOCAL, widget=DateTimeLocalInput())
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)


class ResolveForm(forms.Form):
    resolution = forms.CharField(label=_("Reply given to the complainant"), max_length=MAX_TEXT,
                                 widget=forms.Textarea(attrs={"rows": 4}))
    verified = forms.TypedChoiceField(label=_("Verified (属实)"), choices=YES_NO, coerce=_bool, empty_value=None)
    utility_responsible = forms.TypedChoiceField(label=_("Utility responsible"), choices=YES_NO, coerce=_bool,
                                                 empty_value=None)


class CallbackForm(forms.Form):
    satisfaction = forms.ChoiceField(label=_("Satisfaction"), choices=Satisfaction.choices)
    note = forms.CharField(label=_("Note"), required=False, max_length=MAX_NOTE)


class AssignForm(forms.Form):
    handler = forms.ModelChoiceField(label=_("Handler"), queryset=get_user_model().objects.none(),
                                     to_field_name="username")

    def __init__(self, *args, station_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["handler"].queryset = get_user_model().objects.filter(
            groups__name="handler", is_active=True, profile__station_id=station_id).order_by("username")
        self.fields["handler"].label_from_instance = lambda u: u.get_full_name() or u.username


class AnswerForm(forms.Form):
    """An enquiry's answer (咨询): it closes the enquiry."""

    answer = forms.CharField(label=_("Answer given to the caller"), max_length=MAX_DESCRIPTION,
                             widget=forms.Textarea(attrs={"rows": 3}))


class SendForm(forms.Form):
    """A returned order sent on to the right station (SPEC §11)."""

    station = forms.ModelChoiceField(label=_("Supply station"), queryset=SupplyStation.objects.order_by("code"),
                                     to_field_name="code")


class TakeForm(forms.Form):
    """Taking an order needs no input: the taker becomes the handler (首问负责制)."""


ACTION_FORMS = {
    "acknowledge": AcknowledgeForm,
    "pause": ReasonForm,
    "resume": NoteForm,
    "urge": NoteForm,
    "request-extension": RequestExtensionForm,
    "approve-extension": ApproveExtensionForm,
    "resolve": ResolveForm,
    "callback": CallbackForm,
    "reopen": ReasonForm,
    "assign": AssignForm,
    "close": ReasonForm,
    "take": TakeForm,
    "review": NoteForm,
    # SPEC §11, for the kinds that declare them (complaints/kinds.py)
    "return": ReasonForm,
    "send": SendForm,
    "terminate": ReasonForm,
    "answer": AnswerForm,
}
