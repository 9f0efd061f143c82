from django.db import transaction
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from customers.selectors import customer_list
from servicecenter.enqueue import enqueue_on_commit

from .. import selectors, services
from ..filters import GradeChangeFilterSet, GradeRunFilterSet, VisitFilterSet
from ..tasks import reevaluate_grades
from .serializers import (
    GradeChangeSerializer,
    GradeRunCreateInputSerializer,
    GradeRunDetailSerializer,
    GradeRunSerializer,
    VisitSerializer,
)


class GradeRunPermission(permissions.BasePermission):
    """Managers, admins and account managers read runs; managers and admins start them."""

    def has_permission(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return selectors.can_read_runs(request.user)
        return selectors.can_start_runs(request.user)


class GradeRunViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.CreateModelMixin,
                      viewsets.GenericViewSet):
    """Grade runs. POST {period: "YYYY-MM", dry_run, force} starts one (managers): the run is
    created `pending` and a worker executes it; 202 with the run, or 200 with the existing run
    when the period already ran (idempotent)."""

    permission_classes = [permissions.IsAuthenticated, GradeRunPermission]
    filterset_class = GradeRunFilterSet

    def get_queryset(self):
        return selectors.grade_run_list(user=self.request.user)

    def get_serializer_class(self):
        return GradeRunDetailSerializer if self.action == "retrieve" else GradeRunSerializer

    @extend_schema(request=GradeRunCreateInputSerializer, responses={202: GradeRunSerializer, 200: GradeRunSerializer})
    def create(self, request, *args, **kwargs):
        data = GradeRunCreateInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        period = data.validated_data["period"]
        with transaction.atomic():
            run, created = services.grade_run_start(period=period, dry_run=data.validated_data["dry_run"],
                                                    force=data.validated_data["force"], by=request.user)
            if created:  # broker down: still 202, grading.requeue_stuck_runs sends it later
                enqueue_on_commit(reevaluate_grades, kwargs={"run_id": run.pk}, queue="grading")
        return Response(GradeRunSerializer(run).data,
                        status=status.HTTP_202_ACCEPTED if created else status.HTTP_200_OK)


class GradeChangeViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """What runs changed (or held back) for the customers the user may see."""

    serializer_class = GradeChangeSerializer
    filterset_class = GradeChangeFilterSet

    def get_queryset(self):
        return selectors.grade_change_list(user=self.request.user).order_by("-run__period", "-run_id", "customer_id")


class CustomerVisitViewSet(mixins.ListModelMixin, mixins.CreateModelMixin, viewsets.GenericViewSet):
    """/api/v1/customers/{id}/visits/: a customer's visits; the account manager or a manager
    records one. A customer outside the user's scope answers 404."""

    serializer_class = VisitSerializer
    filterset_class = VisitFilterSet

    def get_customer(self):
        if not hasattr(self, "_customer"):
            self._customer = get_object_or_404(customer_list(user=self.request.user), pk=self.kwargs["customer_id"])
        return self._customer

    def get_queryset(self):
        return selectors.visit_list(customer=self.get_customer())

    def create(self, request, *args, **kwargs):
        customer = self.get_customer()
        if not selectors.can_record_visit(request.user, customer):
            raise PermissionDenied()
        ser = self.get_serializer(data=request.data)
        ser.is_valid(raise_exception=True)
        visit = services.visit_record(customer=customer, by=request.user, kind=ser.validated_data["kind"],
                                      day=ser.validated_data["date"], notes=ser.validated_data.get("notes", ""))
        return Response(self.get_serializer(visit).data, status=status.HTTP_201_CREATED)
