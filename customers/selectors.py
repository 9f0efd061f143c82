"""Reads for customers and staff, scoped by the acting user (one place decides who sees what)."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from servicecenter.roles import ACCOUNT_MANAGER, COUNTER, HANDLER, has_role, sees_all_stations

from .models import Customer, StaffProfile, SupplyStation

# One answer for "no such customer" and "a customer outside your scope" (SPEC §1: ids do not leak).
NO_SUCH_CUSTOMER = _("No such customer.")


def user_station_id(user) -> int | None:
    """The station of a staff member (None for managers/admins without one, or no profile)."""
    cached = getattr(user, "_station_id", "unset")
    if cached == "unset":
        # one profile per user: no ordering (`.first()` would join and sort by Meta.ordering)
        cached = next(iter(StaffProfile.objects.filter(user=user).order_by().values_list("station_id", flat=True)[:1]),
                      None)
        user._station_id = cached
    return cached


def customer_list(*, user) -> QuerySet[Customer]:
    """Customers a user may see in full.

    Managers/admins: all. Counter staff and handlers: their station's (they take and handle its
    complaints). Account managers: their own customers. Crews: none here; they see the minimum
    of a customer through their work orders only.
    """
    return Customer.objects.select_related("station", "account_manager").filter(scope_q(user))


def scope_q(user, *, prefix: str = "") -> Q:
    """The one visibility rule of SPEC §1 as a filter on a model that has a station and a
    customer: managers/admins see all; counter staff and handlers their station; account
    managers their own customers. `prefix` names the path to the customer ("customer__" for a
    complaint, "" for a customer); the station is always the model's own `station`."""
    if sees_all_stations(user):
        return Q()
    cond = Q(pk__in=[])
    if has_role(user, COUNTER, HANDLER):
        station_id = user_station_id(user)
        if station_id:
            cond |= Q(station_id=station_id)
    if has_role(user, ACCOUNT_MANAGER):
        cond |= Q(**{f"{prefix}account_manager": user})
    return cond


def station_list(*, user) -> QuerySet[SupplyStation]:
    return SupplyStation.objects.all()
