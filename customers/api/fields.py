"""API fields that read through the scoped selectors."""

from __future__ import annotations

from rest_framework import serializers

from ..models import Customer
from ..selectors import NO_SUCH_CUSTOMER, customer_list


class ScopedCustomerField(serializers.PrimaryKeyRelatedField):
    """A customer by id among those the requesting user may see; any other id, whether it exists
    or not, answers the same 400."""

    default_error_messages = {"does_not_exist": NO_SUCH_CUSTOMER, "incorrect_type": NO_SUCH_CUSTOMER}

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Customer.objects.none())
        super().__init__(**kwargs)

    def get_queryset(self):
        request = self.context.get("request")
        if request is None:
            return Customer.objects.none()
        return customer_list(user=request.user)

    def to_internal_value(self, data):
        if isinstance(data, bool) or (isinstance(data, int) and not 0 < data < 2**63):
            self.fail("does_not_exist", pk_value=data)
        if isinstance(data, str) and not (data.isascii() and data.isdigit() and 0 < int(data) < 2**63):
            self.fail("does_not_exist", pk_value=data)
        return super().to_internal_value(data)
