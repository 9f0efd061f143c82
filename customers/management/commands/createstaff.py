from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from customers.choices import ManagerTier
from customers.models import StaffProfile, SupplyStation
from servicecenter.roles import ADMIN, ROLES


class Command(BaseCommand):
    help = "Create or update a staff user with a role and a station."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", required=True, choices=ROLES, action="append",
                            help="role (group); repeat for several")
        parser.add_argument("--station", help="station code (required except for managers and admins)")
        parser.add_argument("--password", help="password (unchanged for an existing user if omitted)")
        parser.add_argument("--leadership", action="store_true", help="member of the emergency leadership group")
        parser.add_argument("--tier", choices=ManagerTier.values, help="account manager tier")
        parser.add_argument("--name", default="", help="full name shown on pages")
        parser.add_argument("--email", default="")

    @transaction.atomic
    def handle(self, username, role, station, password, leadership, tier, name, email, **opts):
        station_obj = None
        if station:
            station_obj = SupplyStation.objects.filter(code=station).first()
            if station_obj is None:
                raise CommandError(f"No station with code {station!r}")
        elif set(role) - {"manager", ADMIN}:
            raise CommandError("--station is required for this role")
        User = get_user_model()
        user, created = User.objects.get_or_create(username=username)
        if name:
            user.first_name = name
        if email:
            user.email = email
        if password:
            try:  # Django's validators (settings.AUTH_PASSWORD_VALIDATORS), as every password path
                password_validation.validate_password(password, user)
            except ValidationError as exc:
                raise CommandError("Password refused: " + " ".join(exc.messages)) from None
            user.set_password(password)
        elif created:
            raise CommandError("--password is required for a new user")
        user.is_staff = ADMIN in role
        user.is_superuser = ADMIN in role
        user.save()
        user.groups.set(Group.objects.filter(name__in=role))
        StaffProfile.objects.update_or_create(
            user=user, defaults={"station": station_obj, "leadership": leadership, "manager_tier": tier or ""}
        )
        self.stdout.write(self.style.SUCCESS(
            f"{'Created' if created else 'Updated'} {username}: {', '.join(role)} @ {station or 'all stations'}"))
