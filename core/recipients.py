"""Who is told (SPEC §4): one definition of each group of recipients, used everywhere.

Each returns user ids (sorted, so the outbox rows are written in a stable order), read in one
query; call them before opening the transaction that writes the notifications where you can
(intake does), so that transaction holds no more than its own new rows.

- the station head(s): `SupplyStation.head` of the station(s) concerned;
- the managers: active users of the `manager` group;
- the leadership group (应急领导小组): the active managers with `leadership=True`. Forwarded
  intake, level-3 escalations and anything else "for the leadership" read this one set;
- the account manager of a customer: told of every order any customer of theirs files,
  whatever the grade (SPEC §1, §4); level 2 escalations add the account manager of grade A/B
  customers only (complaints.escalations).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from servicecenter.roles import MANAGER


def _active_managers():
    return get_user_model().objects.filter(is_active=True, groups__name=MANAGER)


def managers() -> list[int]:
    """The active managers."""
    return sorted(set(_active_managers().values_list("pk", flat=True)))


def leadership() -> list[int]:
    """The leadership group: the active managers with `leadership=True`."""
    return sorted(set(_active_managers().filter(profile__leadership=True).values_list("pk", flat=True)))


def station_heads(station_ids: Iterable[int]) -> dict[int, int]:
    """{station id: its head's user id} for the stations that have a head."""
    ids = {s for s in station_ids if s is not None}
    if not ids:
        return {}
    # through the user's side of SupplyStation.head (related_name "headed_stations"), like
    # `profile__leadership`: core names the relations of the user, it imports no app above it
    return dict(get_user_model().objects.filter(headed_stations__in=ids)
                .values_list("headed_stations", "pk"))


def account_manager(customer) -> int | None:
    """The account manager told when this customer files an order (any grade), or None."""
    return getattr(customer, "account_manager_id", None) if customer is not None else None
