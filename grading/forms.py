from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from customers.choices import Grade

from .choices import VisitKind


class VisitForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind of visit"), choices=VisitKind.choices, initial=VisitKind.ROUTINE)
    date = forms.DateField(label=_("Visit date"), widget=forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"}))
    notes = forms.CharField(label=_("Visit notes"), required=False, max_length=4000,
                            widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()
        self.fields["date"].widget.attrs["max"] = timezone.localdate().isoformat()


class MyCustomersFilterForm(forms.Form):
    grade = forms.ChoiceField(label=_("Grade"), required=False, choices=[("", _("All grades")), *Grade.choices])
    attention = forms.BooleanField(label=_("Needs attention"), required=False)
