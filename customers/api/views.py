from django.db import transaction
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import mixins, permissions, status, viewsets
from rest_framework import serializers as drf_serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from core.models import Notification
from servicecenter.roles import ADMIN, MANAGER, has_role

from .. import selectors, services
from ..filters import CustomerFilterSet
from ..inbox import notification_list, notification_mark_read, notification_unread_count
from ..privacy import mask_phones_in_list
from .serializers import (
    ConsumptionRecordSerializer,
    ConsumptionUpsertSerializer,
    CustomerSerializer,
    NotificationSerializer,
    SupplyStationSerializer,
)


class IsManagerOrAdminForWrites(permissions.BasePermission):
    """Everyone signed in reads (within their scope); managers and admins write.

    Writes to an existing object are checked after the scoped lookup, so an object outside the
    user's scope answers 404 whatever the method (ids do not leak).
    """

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS or getattr(view, "detail", False):
            return True
        return has_role(request.user, MANAGER, ADMIN)

    def has_object_permission(self, request, view, obj):
        return request.method in permissions.SAFE_METHODS or has_role(request.user, MANAGER, ADMIN)


class IsAdminForWrites(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or has_role(request.user, ADMIN)


class SupplyStationViewSet(viewsets.ModelViewSet):
    serializer_class = SupplyStationSerializer
    permission_classes = [permissions.IsAuthenticated, IsAdminForWrites]
    lookup_field = "code"
    filterset_fields = ["area_type"]

    def get_queryset(self):
        return selectors.station_list(user=self.request.user).select_related("head")


class CustomerViewSet(viewsets.ModelViewSet):
    """Customers within the user's scope; out of scope answers 404 (SPEC §1)."""

    serializer_class = CustomerSerializer
    permission_classes = [permissions.IsAuthenticated, IsManagerOrAdminForWrites]
    filterset_class = CustomerFilterSet
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.customer_list(user=self.request.user).order_by("account_no")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "mask_phones": mask_phones_in_list(self)}

    def perform_create(self, serializer):
        with transaction.atomic():
            serializer.save()

    def perform_update(self, serializer):
        with transaction.atomic():
            serializer.save()

    @extend_schema(methods=["GET"], responses=ConsumptionRecordSerializer(many=True))
    @extend_schema(methods=["POST"], request=ConsumptionUpsertSerializer, responses=inline_serializer(
        "ConsumptionUpsertAnswer", {"changed": drf_serializers.IntegerField(),
                                    "rows": ConsumptionRecordSerializer(many=True)}))
    @action(detail=True, methods=["get", "post"], url_path="consumption", pagination_class=None, filter_backends=[])
    def consumption(self, request, pk=None):
        """GET: the customer's monthly consumption. POST {rows: [...]} upserts rows (managers)."""
        customer = self.get_object()
        if request.method == "POST":
            data = request.data if isinstance(request.data, dict) else {"rows": request.data}
            ser = ConsumptionUpsertSerializer(data=data)
            ser.is_valid(raise_exception=True)
            changed = services.consumption_upsert(customer=customer, rows=ser.validated_data["rows"])
            rows = customer.consumption.order_by("period")
            return Response({"changed": changed, "rows": ConsumptionRecordSerializer(rows, many=True).data},
                            status=status.HTTP_200_OK)
        rows = customer.consumption.order_by("period")
        return Response(ConsumptionRecordSerializer(rows, many=True).data)


class NotificationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """The signed-in user's own in-app notifications, newest first."""

    serializer_class = NotificationSerializer
    queryset = Notification.objects.none()  # for the schema; get_queryset reads the user's own
    filterset_fields = ["kind", "status"]

    def get_queryset(self):
        return notification_list(user=self.request.user)

    @action(detail=True, methods=["post"])
    def read(self, request, pk=None):
        note = self.get_object()
        if note.read_at is None:
            notification_mark_read(user=request.user, ids=[note.pk])
            note.refresh_from_db()
        return Response(self.get_serializer(note).data)

    @extend_schema(request=None, responses={200: inline_serializer(
        "NotificationReadAll", {"marked": drf_serializers.IntegerField(), "unread": drf_serializers.IntegerField()})})
    @action(detail=False, methods=["post"], url_path="read-all")
    def read_all(self, request):
        """Mark every unread notification of the user read: {"marked": n, "unread": 0}."""
        marked = notification_mark_read(user=request.user)
        return Response({"marked": marked, "unread": notification_unread_count(user=request.user)})
