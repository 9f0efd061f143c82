from .roles import ROLE_LABELS, is_station_head, user_roles


def roles(request):
    names = user_roles(getattr(request, "user", None))
    return {"user_roles": names, "user_role_labels": [ROLE_LABELS[r] for r in sorted(names) if r in ROLE_LABELS],
            # read only when a page's menu asks (one query, for handlers only)
            "user_is_station_head": lambda: is_station_head(getattr(request, "user", None)),
            # the end of the known work calendar, for managers, station heads and admins (SPEC §4)
            "calendar_notice": lambda: _calendar_notice(request)}


def _calendar_notice(request):
    from django.utils import timezone

    from complaints.calendar_views import can_see_calendar
    from core.calendar import calendar_warning

    user = getattr(request, "user", None)
    if user is None or not can_see_calendar(user):
        return None
    return calendar_warning(timezone.localdate())
