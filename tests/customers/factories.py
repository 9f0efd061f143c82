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


# People have names that are not their usernames, so a page that shows a username where a person's name
# belongs (get_full_name) fails its test.
STAFF_NAMES = {"counter1": "王丽", "counter2": "吴刚", "handler1": "张伟", "handler2": "周敏", "manager1": "刘洋",
               "leader1": "陈静", "am1": "杨帆", "crew1": "赵强", "admin1": "黄磊"}
_SURNAMES, _GIVEN = "李王张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗", "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平"


def staff_name(username: str) -> str:
    """A person's name for a username: the fixtures' people by name, anyone else from a stable pool."""
    if username in STAFF_NAMES:
        return STAFF_NAMES[username]
    n = sum(ord(ch) * (i + 1) for i, ch in enumerate(username))
    return _SURNAMES[n % len(_SURNAMES)] + _GIVEN[(n // len(_SURNAMES)) % len(_GIVEN)] + _GIVEN[n % 7]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.LazyAttribute(lambda o: staff_name(o.username))
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
