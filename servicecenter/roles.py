"""The six roles (Django groups) of SPEC §1 and helpers to ask a user which ones they hold."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

COUNTER = "counter"
HANDLER = "handler"
MANAGER = "manager"
ACCOUNT_MANAGER = "account_manager"
CREW = "crew"
ADMIN = "admin"

ROLES = [COUNTER, HANDLER, MANAGER, ACCOUNT_MANAGER, CREW, ADMIN]
ROLE_LABELS = {
    COUNTER: _("Counter staff"),
    HANDLER: _("Complaint handler"),
    MANAGER: _("Manager"),
    ACCOUNT_MANAGER: _("Account manager"),
    CREW: _("Field crew"),
    ADMIN: _("Administrator"),
}

# Where each role lands after signing in (SPEC §8). The first matching role wins.
LANDING = [
    (ADMIN, "/admin/"),
    (MANAGER, "/dashboard/"),
    (HANDLER, "/my-work/"),
    (COUNTER, "/counter/"),
    (ACCOUNT_MANAGER, "/my-customers/"),
    (CREW, "/crew/"),
]


def user_roles(user) -> set[str]:
    """The role names of a user, cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        if user.is_superuser:
            cached.add(ADMIN)
        user._role_names = cached
    return cached


def has_role(user, *roles: str) -> bool:
    return bool(user_roles(user) & set(roles))


def sees_all_stations(user) -> bool:
    """Managers and admins see every station (SPEC §1)."""
    return has_role(user, MANAGER, ADMIN)


def headed_station_ids(user) -> set[int]:
    """The stations a user heads (SupplyStation.head), cached on the user object for the request."""
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_headed_station_ids", None)
    if cached is None:
        cached = set(user.headed_stations.order_by().values_list("pk", flat=True))
        user._headed_station_ids = cached
    return cached


def is_station_head(user) -> bool:
    """A station head (站长/所长) is a handler named head of a station: the station overview is their
    landing page, and they acknowledge their station's escalations."""
    return bool(headed_station_ids(user))


def landing_url(user) -> str:
    roles = user_roles(user)
    if MANAGER not in roles and ADMIN not in roles and is_station_head(user):
        return "/station/"
    for role, url in LANDING:
        if role in roles:
            return url
    return "/customers/"


# Model permissions each group holds (used by Django admin; the product's own scoping is in
# each app's selectors). "*" = every permission of the app; a list = those codename prefixes.
ROLE_PERMISSIONS: dict[str, dict[str, object]] = {
    ADMIN: {"core": "*", "customers": "*", "complaints": "*", "workorders": "*", "outages": "*", "grading": "*",
            "django_celery_beat": "*", "auth": "*", "knox": "*", "axes": "*", "otp_totp": "*", "audit": ["view"]},
    MANAGER: {"core": ["view", "change", "add"], "customers": ["view", "change"], "complaints": ["view", "change", "add"],
              "workorders": ["view", "change", "add"], "outages": ["view", "change", "add"],
              "grading": ["view", "add", "change"]},
    HANDLER: {"core": ["view"], "customers": ["view"], "complaints": ["view", "change", "add"], "workorders": ["view", "add", "change"],
              "outages": ["view", "add", "change"]},
    COUNTER: {"core": ["view"], "customers": ["view"], "complaints": ["view", "add"], "outages": ["view"]},
    ACCOUNT_MANAGER: {"core": ["view"], "customers": ["view", "change"], "grading": ["view", "add"]},
    CREW: {"workorders": ["view", "change"]},
}


def sync_role_permissions(using="default", **kwargs) -> None:
    """Create the six groups and give them their permissions. Idempotent (runs after migrate)."""
    from django.contrib.auth.models import Group, Permission

    for role in ROLES:
        group, _created = Group.objects.using(using).get_or_create(name=role)
        wanted = []
        for app_label, spec in ROLE_PERMISSIONS.get(role, {}).items():
            perms = Permission.objects.using(using).filter(content_type__app_label=app_label)
            if spec != "*":
                perms = [p for p in perms if p.codename.split("_", 1)[0] in spec]
            wanted.extend(perms)
        group.permissions.set(wanted)
