"""`/api/v1/sla/summary/`: the SLA figures of SPEC §7, scoped by the user's station."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from complaints.choices import OrderKind

from .. import selectors
from .schema import SlaSummary


class CanReadSummary(BasePermission):
    """Managers and admins (all stations), handlers and counter staff (their own station)."""

    def has_permission(self, request, view):
        return selectors.can_read_summary(request.user)


class SlaSummaryView(APIView):
    permission_classes = [IsAuthenticated, CanReadSummary]

    @extend_schema(
        parameters=[
            OpenApiParameter("station", str, description="station code (station staff: only their own)"),
            OpenApiParameter("from", OpenApiTypes.DATE, description="first day of receipt (local), default 29 days before `to`"),
            OpenApiParameter("to", OpenApiTypes.DATE, description="last day of receipt (local, inclusive), default today"),
            OpenApiParameter("category", str, description="category item or class code"),
            OpenApiParameter("grade", str, enum=["A", "B", "C"]),
            OpenApiParameter("channel", str),
            OpenApiParameter("trend", int, description="also return intake and on-time rates per day for N days"),
            OpenApiParameter("kind", str, enum=OrderKind.values,
                             description="the kind of order the headline figures and breakdowns are of "
                                         "(default complaint); `by_kind` always has every kind"),
            OpenApiParameter("live", bool, description="compute from the orders, not the daily rows"),
        ],
        responses={200: SlaSummary},
    )
    def get(self, request):
        filters = selectors.parse_filters(user=request.user, params=request.query_params)
        return Response(selectors.sla_summary(user=request.user, filters=filters))
