from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch
from django.http import Http404
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied, ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.response import Response

from clock.engine import deadlines_annotation
from complaints.models import Complaint
from core.api import ActionViewSetMixin
from customers.privacy import mask_phones_in_list
from servicecenter.exceptions import StaleVersion, ValidationFailed
from servicecenter.roles import ADMIN, MANAGER, has_role

from .. import selectors, services
from ..filters import WorkOrderFilterSet
from ..idempotency import HEADER, Answer, run_once, run_step, stored_key_id
from ..lifecycle import WORK_ORDER
from ..models import WorkOrder, WorkOrderPhoto
from . import serializers as s

IDEMPOTENCY_PARAM = OpenApiParameter(HEADER, str, OpenApiParameter.HEADER, required=False,
                                     description="a retried request with the same key returns the first answer")


class ManagersWrite(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.method in permissions.SAFE_METHODS or has_role(request.user, MANAGER, ADMIN)


class CrewViewSet(viewsets.ModelViewSet):
    """Crews by name; everyone signed in reads those in their scope, managers and admins write."""

    serializer_class = s.CrewSerializer
    permission_classes = [permissions.IsAuthenticated, ManagersWrite]
    lookup_field = "name"
    lookup_value_regex = "[^/]+"
    filterset_fields = {"station__code": ["exact"], "active": ["exact"]}
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def get_queryset(self):
        return selectors.crew_list(user=self.request.user).order_by("name")

    def perform_create(self, serializer):
        with transaction.atomic():
            members = serializer.validated_data.pop("members", [])
            crew = serializer.save()
            services.crew_save(crew=crew, members=members, by=self.request.user)

    def perform_update(self, serializer):
        with transaction.atomic():
            members = serializer.validated_data.pop("members", None)
            crew = serializer.save()
            services.crew_save(crew=crew, members=members, by=self.request.user)


# the viewset's action -> the step it performs (workorders.services.perform)
STEP_OF = {"dispatch_order": "dispatch", "accept": "accept", "depart": "depart", "arrive": "arrive",
           "complete": "complete", "cancel": "cancel"}


class WorkOrderViewSet(ActionViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Work orders in the user's scope (out of scope: 404). State changes are the actions below
    (core.api: 404, 403, 400, 409); each takes the order's `version` and honours
    `Idempotency-Key`."""

    action_inputs = {
        "dispatch_order": s.WorkOrderDispatchInputSerializer,
        "accept": s.ActionInputSerializer,
        "depart": s.ActionInputSerializer,
        "arrive": s.WorkOrderArriveInputSerializer,
        "complete": s.WorkOrderCompleteInputSerializer,
        "cancel": s.WorkOrderCancelInputSerializer,
    }
    filterset_class = WorkOrderFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_queryset(self):
        qs = selectors.work_order_list(user=self.request.user)
        if self.action == "retrieve":
            # one order: the columns its answer shows; photos read only if it has some (_answer)
            return s.one_order_queryset(qs, office=self.get_serializer_class() is s.WorkOrderSerializer)
        return qs.prefetch_related(
            Prefetch("photos", queryset=WorkOrderPhoto.objects.select_related("uploaded_by"))
        ).select_related("created_by").annotate(clock_rows=deadlines_annotation("work_order")).order_by(
            "-created_at", "-id")

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "mask_phones": mask_phones_in_list(self)}

    def may_act(self, user, verb: str, order) -> bool:
        step = STEP_OF.get(verb)
        if step is None:
            return True
        # the declared roles of the step (workorders/lifecycle.py): the crew's steps, or the office's
        return selectors.can_work(user, order) if "crew" in WORK_ORDER.roles[step] else selectors.can_manage(user, order)

    def get_serializer_class(self):
        if selectors.is_crew_only(self.request.user):
            return s.WorkOrderCrewSerializer
        return s.WorkOrderSerializer

    def retrieve(self, request, *args, **kwargs):
        return Response(self._answer(self.get_object()))

    def _body(self, order: WorkOrder) -> dict:
        # re-read through the scoped queryset so the answer carries the annotations
        fresh = self.get_queryset().get(pk=order.pk)
        return self.get_serializer(fresh).data

    def _endpoint(self, verb: str, pk) -> str:
        return f"work-orders/{pk}/{verb}"

    def _respond(self, answer: Answer) -> Response:
        response = Response(answer.body, status=answer.status)
        if answer.replayed:
            response["Idempotent-Replayed"] = "true"
        return response

    @extend_schema(request=s.WorkOrderCreateInputSerializer, responses={201: s.WorkOrderSerializer},
                   parameters=[IDEMPOTENCY_PARAM])
    def create(self, request, *args, **kwargs):
        data = s.WorkOrderCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        complaint = None
        if v.get("complaint"):
            complaint = Complaint.objects.select_related("station", "customer").filter(number=v["complaint"]).first()
            if complaint is None or not selectors.can_manage(request.user, station_id=complaint.station_id):
                raise ValidationFailed("complaint", _("No such complaint in your station."))
        station = v.get("station") or (complaint.station if complaint else None) or (
            v["customer"].station if v.get("customer") else None)
        if station is None:
            raise ValidationFailed("station", _("Choose the station."))
        if not selectors.can_manage(request.user, station_id=station.pk):
            raise PermissionDenied()

        def act():
            order = services.work_order_create(
                by=request.user, kind=v["kind"], station=station, complaint=complaint, customer=v.get("customer"),
                address=v.get("address", ""), area_type=v.get("area_type"), priority=v["priority"],
                description=v.get("description", ""), contact_name=v.get("contact_name", ""),
                contact_phone=v.get("contact_phone", ""), due_at=v.get("due_at"))
            return Answer(status.HTTP_201_CREATED, self._body(order))

        return self._respond(run_once(user=request.user, key=request.headers.get(HEADER),
                                      endpoint="work-orders/create", action=act))

    def _action(self, request, pk, verb):
        """One step in one transaction: the scoped order is read once, locked and joined with
        what the answer shows, then checked (404, 403, 400, replayed key, version, state),
        changed by one guarded UPDATE and answered from memory (no re-read)."""
        try:
            pk = int(pk)
        except (TypeError, ValueError):
            raise Http404 from None
        user, key = request.user, request.headers.get(HEADER)
        data = self.action_input(self.action, raise_exception=False)  # refused once the order is in scope
        office = self.get_serializer_class() is s.WorkOrderSerializer
        # the scope (the user's crews...) is read here, before the transaction: it holds the lock shorter
        qs = s.one_order_queryset(selectors.work_order_list(user=user), office=office)
        qs = qs.select_for_update(of=("self",)).annotate(stored_key_id=stored_key_id(user=user, key=key))
        seen = {}

        def lock() -> WorkOrder:
            order = seen["order"] = get_object_or_404(qs, pk=pk)  # scoped: out of scope -> 404
            self.check_object_permissions(request, order)  # the role on this order: 403 (may_act)
            if data.errors:
                raise ValidationError(data.errors)
            return order

        def act(order: WorkOrder) -> Answer:
            v = data.validated_data
            inputs = {"by": user, "version": v["version"], "client_time": v.get("client_time")}
            if verb == "dispatch":
                inputs["crew"] = selectors.crew_list(user=user).filter(name=v["crew"]).first()
                if inputs["crew"] is None:
                    raise ValidationFailed("crew", _("No such crew."))
            elif verb == "arrive":
                inputs.update(lat=v.get("lat"), lng=v.get("lng"), delay_reason=v.get("delay_reason", ""),
                              customer_informed=v.get("customer_informed"))
            elif verb == "complete":
                inputs["notes"] = v.get("notes", "")
            elif verb == "cancel":
                inputs["reason"] = v.get("reason", "")
            done = services.perform(verb, work_order=order, locked=True, **inputs)
            return Answer(status.HTTP_200_OK, self._answer(s.with_current_deadline(done)))

        try:
            answer = run_step(user=user, key=key, endpoint=self._endpoint(verb, pk), lock=lock, action=act)
        except StaleVersion as exc:
            body = exc.as_dict()
            body["current"] = self._answer(seen["order"])  # as locked: nothing was written
            return Response(body, status=exc.status_code)
        return self._respond(answer)

    def _answer(self, order: WorkOrder) -> dict:
        """The answer of a step, from the order as read by `_action` (photos: one query, if any)."""
        return self.get_serializer(s.with_photos(order)).data

    @extend_schema(request=s.WorkOrderDispatchInputSerializer, responses=s.WorkOrderSerializer,
                   parameters=[IDEMPOTENCY_PARAM])
    @action(detail=True, methods=["post"], url_path="dispatch")
    def dispatch_order(self, request, pk=None):
        return self._action(request, pk, "dispatch")

    @extend_schema(request=s.ActionInputSerializer, responses=s.WorkOrderSerializer, parameters=[IDEMPOTENCY_PARAM])
    @action(detail=True, methods=["post"], url_path="accept")
    def accept(self, request, pk=None):
        return self._action(request, pk, "accept")

    @extend_schema(request=s.ActionInputSerializer, responses=s.WorkOrderSerializer, parameters=[IDEMPOTENCY_PARAM])
    @action(detail=True, methods=["post"], url_path="depart")
    def depart(self, request, pk=None):
        return self._action(request, pk, "depart")

    @extend_schema(request=s.WorkOrderArriveInputSerializer, responses=s.WorkOrderSerializer,
                   parameters=[IDEMPOTENCY_PARAM])
    @action(detail=True, methods=["post"], url_path="arrive")
    def arrive(self, request, pk=None):
        return self._action(request, pk, "arrive")

    @extend_schema(request=s.WorkOrderCompleteInputSerializer, responses=s.WorkOrderSerializer,
                   parameters=[IDEMPOTENCY_PARAM])
    @action(detail=True, methods=["post"], url_path="complete")
    def complete(self, request, pk=None):
        return self._action(request, pk, "complete")

    @extend_schema(request=s.WorkOrderCancelInputSerializer, responses=s.WorkOrderSerializer,
                   parameters=[IDEMPOTENCY_PARAM])
    @action(detail=True, methods=["post"], url_path="cancel")
    def cancel(self, request, pk=None):
        return self._action(request, pk, "cancel")

    @extend_schema(methods=["GET"], responses=s.WorkOrderPhotoSerializer(many=True))
    @extend_schema(methods=["POST"], request={"multipart/form-data": s.WorkOrderPhotoInputSerializer},
                   responses={201: s.WorkOrderPhotoSerializer}, parameters=[IDEMPOTENCY_PARAM])
    @action(detail=True, methods=["get", "post"], url_path="photos", pagination_class=None, filter_backends=[])
    def photos(self, request, pk=None):
        """GET the order's photos; POST multipart `photo` (JPEG/PNG/HEIC ≤ 10 MB, ≤ 10 per order)."""
        order = self.get_object()
        if request.method == "GET":
            return Response(s.WorkOrderPhotoSerializer(order.photos.all(), many=True).data)
        if not selectors.can_work(request.user, order):
            raise PermissionDenied()
        data = s.WorkOrderPhotoInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data

        def act():
            photo = services.work_order_add_photo(work_order=order, by=request.user, upload=v["photo"],
                                                  version=v.get("version"), client_time=v.get("client_time"))
            return Answer(status.HTTP_201_CREATED, s.WorkOrderPhotoSerializer(photo).data)

        try:
            answer = run_once(user=request.user, key=request.headers.get(HEADER),
                              endpoint=self._endpoint("photos", order.pk), action=act)
        except StaleVersion as exc:
            body = exc.as_dict()
            body["current"] = self._body(order)
            return Response(body, status=exc.status_code)
        return self._respond(answer)

    @extend_schema(responses=s.WorkOrderEventSerializer(many=True))
    @action(detail=True, methods=["get"], url_path="events", pagination_class=None, filter_backends=[])
    def events(self, request, pk=None):
        order = self.get_object()
        return Response(s.WorkOrderEventSerializer(order.events.select_related("actor"), many=True).data)
