import datetime

import factory

from grading.models import Visit
from tests.customers.factories import CustomerFactory, UserFactory


class VisitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Visit

    customer = factory.SubFactory(CustomerFactory)
    account_manager = factory.SubFactory(UserFactory)
    kind = "routine"
    date = datetime.date(2026, 10, 15)
    notes = ""
