"""The outage API (SPEC §12): `/api/v1/outages/` (staff: list, create, one outage, its actions)
and `/api/v1/public/outages/` (anyone, throttled per address, no personal data)."""

from __future__ import annotations

from django.db.models import Prefetch
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from core.api import ActionViewSetMixin
from customers.models import SupplyStation
from servicecenter.exceptions import ValidationFailed
from servicecenter.roles import ADMIN, HANDLER, MANAGER, has_role

from .. import selectors, services
from ..choices import OutageAction as A
from ..filters import OutageFilterSet
from ..lifecycle import OUTAGE
from ..models import EstimateChange, OutageEvent
from . import serializers as s


class OutageViewSet(ActionViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                    mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Outages within the user's scope (managers all, station staff their station's; out of scope:
    404). Dispatchers (a handler of the station, managers) open them and take the actions below
    (core.api: 404, 403, 400, 409 in that order); each action takes the optional `version`."""

    action_object_name = "outage"
    action_inputs = {
        "start": s.OutageStartInputSerializer,
        "update_estimate": s.OutageEstimateInputSerializer,
        "restore": s.OutageRestoreInputSerializer,
        "cancel": s.OutageCancelInputSerializer,
        "link": s.OutageLinkInputSerializer,
        "resolve_complaints": s.ResolveComplaintsInputSerializer,
    }
    # the declared roles of each verb (outages/lifecycle.py); the station rule is may_act
    action_roles = {"start": OUTAGE.roles[A.START], "update_estimate": OUTAGE.roles[A.UPDATE_ESTIMATE],
                    "restore": OUTAGE.roles[A.RESTORE], "cancel": OUTAGE.roles[A.CANCEL],
                    "link": {HANDLER, MANAGER, ADMIN, "counter"}, "resolve_complaints": {HANDLER, MANAGER}}
    filterset_class = OutageFilterSet
    serializer_class = s.OutageSerializer

    def get_queryset(self):
        qs = selectors.outage_list(user=self.request.user)
        if self.action == "retrieve":
            qs = qs.prefetch_related(
                Prefetch("estimate_changes", queryset=EstimateChange.objects.select_related("by")),
                Prefetch("events", queryset=OutageEvent.objects.select_related("actor")), "links")
        return qs.order_by("-created_at", "-id")

    def get_serializer_class(self):
        return s.OutageDetailSerializer if self.action == "retrieve" else s.OutageSerializer

    def may_act(self, user, verb: str, outage) -> bool:
        if verb == "link":
            return True  # anyone who sees the outage and takes orders links one to it
        if verb in self.action_roles:
            return selectors.can_manage(user, outage)
        return True

    def _answer(self, outage, code=status.HTTP_200_OK) -> Response:
        fresh = self.get_queryset().get(pk=outage.pk)
        return Response(s.OutageSerializer(fresh, context=self.get_serializer_context()).data, status=code)

    def action_answer(self, outage, result):
        return self._answer(outage)

    @extend_schema(request=s.OutageCreateInputSerializer, responses={201: s.OutageSerializer})
    def create(self, request, *args, **kwargs):
        if not has_role(request.user, HANDLER, MANAGER, ADMIN):
            raise services.OutagePermissionDenied(_("Only dispatchers and managers open outages."))
        data = s.OutageCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        station = None
        if v.get("station"):
            station = SupplyStation.objects.filter(code=v["station"]).first()
            if station is None:
                raise ValidationFailed("station", _("No such station."))
        work_order = None
        if v.get("work_order"):
            from workorders.models import WorkOrder

            work_order = WorkOrder.objects.filter(number=v["work_order"]).first()
            if work_order is None:
                raise ValidationFailed("work_order", _("No such work order."))
        outage = services.outage_create(
            by=request.user, kind=v["kind"], cause=v["cause"], station=station, lines=v.get("lines") or [],
            areas=v.get("areas") or [], planned_start=v.get("planned_start"), started_at=v.get("started_at"),
            estimated_restore_at=v.get("estimated_restore_at"), work_order=work_order)
        return self._answer(outage, status.HTTP_201_CREATED)

    @extend_schema(request=s.OutageStartInputSerializer, responses=s.OutageSerializer)
    @action(detail=True, methods=["post"])
    def start(self, request, pk=None):
        return self.act("start", services.outage_start)

    @extend_schema(request=s.OutageEstimateInputSerializer, responses=s.OutageSerializer)
    @action(detail=True, methods=["post"], url_path="update-estimate")
    def update_estimate(self, request, pk=None):
        return self.act("update_estimate", services.outage_update_estimate)

    @extend_schema(request=s.OutageRestoreInputSerializer, responses=s.OutageSerializer)
    @action(detail=True, methods=["post"])
    def restore(self, request, pk=None):
        return self.act("restore", services.outage_restore)

    @extend_schema(request=s.OutageCancelInputSerializer, responses=s.OutageSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        return self.act("cancel", services.outage_cancel)

    @extend_schema(request=s.OutageLinkInputSerializer, responses={201: s.OutageLinkSerializer})
    @action(detail=True, methods=["post"])
    def link(self, request, pk=None):
        """Link an order (complaint-table order of any kind, or work order) to the outage."""
        outage = self.get_object()
        v = self.action_input("link").validated_data
        if not selectors.order_of_station(v["subject_type"], v["subject_id"], outage.station_id):
            raise ValidationFailed("subject_id", _("No such order in the outage's station."))
        link = services.link_order(outage, v["subject_type"], v["subject_id"], v["different_fault"], by=request.user)
        return Response(s.OutageLinkSerializer(link).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=s.ResolveComplaintsInputSerializer, responses=s.ResolveResultsSerializer)
    @action(detail=True, methods=["post"], url_path="resolve-complaints")
    def resolve_complaints(self, request, pk=None):
        """Resolve several linked complaints of a restored outage at once (each through the
        complaint resolve service; one result per complaint)."""
        outage = self.get_object()
        v = self.action_input("resolve_complaints").validated_data
        results = services.resolve_linked_complaints(
            outage=outage, by=request.user, complaint_ids=v.get("complaints"), resolution=v["resolution"],
            verified=v["verified"], utility_responsible=v["utility_responsible"])
        return Response(s.ResolveResultsSerializer({"results": results}).data)


class PublicOutageViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Outages to come, in progress and restored in the last two days, by area, for anyone: no
    sign-in, throttled per address (THROTTLE_RATE_PUBLIC), no personal data."""

    serializer_class = s.PublicOutageSerializer
    permission_classes = [permissions.AllowAny]
    authentication_classes: list = []
    throttle_scope = "public"
    filterset_class = None
    filter_backends: list = []

    def get_queryset(self):
        qs = selectors.public_outages()
        station = (self.request.query_params.get("station") or "").strip()
        if station:
            qs = qs.filter(station__code=station)
        area = (self.request.query_params.get("area") or "").strip()
        if area:
            qs = qs.filter(pk__in=selectors.outages_in_area(area))
        return qs

    @extend_schema(parameters=[
        OpenApiParameter("station", str, description="station code"),
        OpenApiParameter("area", str, description="line or transformer area: its code or part of its name")])
    def list(self, request, *args, **kwargs):
        return super().list(request, *args, **kwargs)
