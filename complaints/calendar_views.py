"""`/calendar/`: the work calendar's state for managers, station heads and administrators (the
warning's link): how far the official calendar is known, the provisional days of the years after
it, and (administrators) loading an official year, which corrects the open deadlines."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.calendar import calendar_warning, get_calendar
from servicecenter.exceptions import ValidationFailed
from servicecenter.lib.workcalendar import statutory_holidays
from servicecenter.roles import ADMIN, MANAGER, has_role, is_station_head

from .calendar_correction import calendar_load_year, rows_from_csv, rows_from_package


class LoadYearForm(forms.Form):
    year = forms.IntegerField(label=gettext_lazy("Year"), min_value=2000, max_value=2100)
    file = forms.FileField(label=gettext_lazy("CSV of the State Council's notice (blank: from chinesecalendar)"),
                           required=False)


def can_see_calendar(user) -> bool:
    return user.is_authenticated and (has_role(user, MANAGER, ADMIN) or is_station_head(user))


def calendar_page(request):
    if not can_see_calendar(request.user):
        raise Http404
    is_admin = has_role(request.user, ADMIN)
    form = LoadYearForm(request.POST or None, request.FILES or None) if is_admin else None
    if request.method == "POST":
        if not is_admin:
            raise Http404
        if form.is_valid():
            year, upload = form.cleaned_data["year"], form.cleaned_data["file"]
            try:
                if upload:
                    rows = rows_from_csv(upload.read().decode("utf-8-sig"), year=year)
                    source = "official"
                else:
                    rows, source = rows_from_package(year), "chinesecalendar"
                result = calendar_load_year(year=year, rows=rows, by=request.user, source=source)
            except (ValidationFailed, UnicodeDecodeError) as exc:
                messages.error(request, getattr(exc, "message", _("The file is not UTF-8 text.")))
            else:
                messages.success(request, _(
                    "%(year)s loaded: %(days)s days, %(changed)s changed; %(moved)s open deadlines corrected "
                    "(%(earlier)s earlier, their handlers told).") % {"year": year, **result})
                return redirect("complaints:calendar")
    cal = get_calendar()
    today = timezone.localdate()
    known = cal.known_until
    provisional_years = [y for y in range((known.year if known else today.year) + 1, today.year + 3)]
    return render(request, "complaints/calendar.html", {
        "known_until": known, "warning": calendar_warning(today), "form": form,
        "provisional": [(y, sorted(statutory_holidays([y]).items())) for y in provisional_years],
    })
