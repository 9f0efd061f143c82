"""Admin offers no way to change or delete timeline events and escalations."""

import pytest
from django.contrib import admin

from complaints.models import Complaint, ComplaintEvent, Escalation
from workorders.models import WorkOrder, WorkOrderEvent

pytestmark = pytest.mark.django_db


def test_admin_offers_no_way_to_change_or_delete_events_or_escalations(rf, users):
    request = rf.get("/admin/")
    request.user = users["admin"]  # a superuser: every permission the admin classes allow
    for model in (ComplaintEvent, WorkOrderEvent, Escalation):
        model_admin = admin.site._registry.get(model)
        assert model_admin is None or not (model_admin.has_change_permission(request)
                                           or model_admin.has_delete_permission(request))
    for parent, event in ((Complaint, ComplaintEvent), (WorkOrder, WorkOrderEvent)):
        model_admin = admin.site._registry[parent]
        assert not model_admin.has_delete_permission(request)  # the cascade would delete its events
        inlines = [i for i in model_admin.get_inline_instances(request) if i.model is event]
        assert inlines
        for inline in inlines:
            assert not inline.can_delete and not inline.has_add_permission(request, None)
            assert set(inline.get_fields(request)) <= set(inline.get_readonly_fields(request))
