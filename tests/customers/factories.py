from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from customers.models import ConsumptionRecord, Customer, StaffProfile, SupplyStation

PASSWORD = "test-pass-123"


class StationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplyStation
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"ST{n:03d}")
    name = factory.Sequence(lambda n: f"第{n}供电所")
    area_type = "urban"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda o: o.username)
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def _saved(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def StaffFactory(*, role: str = "counter", station=None, leadership: bool = False, tier: str = "", **kwargs):
    """A user with a role (group) and a staff profile: StaffFactory(role="handler", station=s)."""
    user = UserFactory(**kwargs)
    if role == "admin":
        user.is_staff = user.is_superuser = True
        user.save(update_fields=["is_staff", "is_superuser"])
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    StaffProfile.objects.update_or_create(
        user=user, defaults={"station": station, "leadership": leadership, "manager_tier": tier})
    return user


class CustomerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Customer

    account_no = factory.Sequence(lambda n: f"{3300000000 + n:010d}")
    name = factory.Sequence(lambda n: f"客户{n}")
    station = factory.SubFactory(StationFactory)
    address = factory.Sequence(lambda n: f"城东路{n}号")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    voltage_kv = Decimal("0.4")

    class Params:
        diamond = factory.Trait(grade="A")
        gold = factory.Trait(grade="B")


class ConsumptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConsumptionRecord

    customer = factory.SubFactory(CustomerFactory)
    period = factory.Sequence(lambda n: __import__("datetime").date(2025, 1 + n % 12, 1))
    kwh = Decimal("1000")
    amount_yuan = Decimal("600")
