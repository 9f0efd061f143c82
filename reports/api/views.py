"""`/api/v1/sla/summary/`: the SLA figures of SPEC §7, scoped by the user's station."""

from __future__ import annotations

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.permissions import BasePermission, IsAuthenticated
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import selectors


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
        ],
        responses={200: OpenApiTypes.OBJECT},
    )
    def get(self, request):
        filters = selectors.parse_filters(user=request.user, params=request.query_params)
        return Response(selectors.sla_summary(user=request.user, filters=filters))
