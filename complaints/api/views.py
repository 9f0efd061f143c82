"""/api/v1/complaints/: list, detail, create, one POST action per verb, timeline, escalations."""

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from clock.engine import deadlines_annotation
from core.api import ActionViewSetMixin
from customers.privacy import mask_phones_in_list
from servicecenter.roles import COUNTER, HANDLER, MANAGER, has_role

from .. import selectors, services
from ..filters import ComplaintFilterSet
from . import serializers as s


class ComplaintViewSet(ActionViewSetMixin, mixins.ListModelMixin, mixins.RetrieveModelMixin,
                       mixins.CreateModelMixin, viewsets.GenericViewSet):
    """Complaints within the user's scope (out of scope -> 404). State changes are actions
    (core.api: 404, 403, 400, 409 in that order); the services check the role of each verb."""

    serializer_class = s.ComplaintSerializer
    filterset_class = ComplaintFilterSet
    action_object_name = "complaint"
    action_inputs = {
        "acknowledge": s.AcknowledgeInputSerializer,
        "pause": s.ReasonInputSerializer,
        "resume": s.NoteInputSerializer,
        "urge": s.NoteInputSerializer,
        "request_extension": s.RequestExtensionInputSerializer,
        "approve_extension": s.ApproveExtensionInputSerializer,
        "resolve": s.ResolveInputSerializer,
        "callback": s.CallbackInputSerializer,
        "reopen": s.ReasonInputSerializer,
        "assign": s.AssignInputSerializer,
        "close": s.ReasonInputSerializer,
        "mark_typical": s.MarkTypicalInputSerializer,
        "review": s.NoteInputSerializer,
    }

    def get_queryset(self):
        # the deadline rows of each complaint inside its own query (the list stays at count + page)
        return selectors.complaint_list(user=self.request.user).annotate(clock_rows=deadlines_annotation("complaint"))

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "now": timezone.now(), "mask_phones": mask_phones_in_list(self)}

    def _answer(self, complaint, code=status.HTTP_200_OK):
        complaint = selectors.complaint_get(user=self.request.user, pk=complaint.pk)
        return Response(s.ComplaintSerializer(complaint, context=self.get_serializer_context()).data, status=code)

    def action_answer(self, complaint, result):
        return self._answer(complaint if not hasattr(result, "number") else result)

    @extend_schema(request=s.ComplaintCreateInputSerializer, responses={201: s.ComplaintSerializer})
    def create(self, request, *args, **kwargs):
        if not has_role(request.user, COUNTER, HANDLER, MANAGER):
            raise PermissionDenied()
        data = s.ComplaintCreateInputSerializer(data=request.data, context={"request": request})  # scoped customer
        data.is_valid(raise_exception=True)
        complaint = services.complaint_intake(by=request.user, **data.validated_data)
        # answered from the instance (its customer, category and station are already loaded)
        return Response(s.ComplaintSerializer(complaint, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=s.AcknowledgeInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def acknowledge(self, request, pk=None):
        return self.act("acknowledge", services.complaint_acknowledge)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def pause(self, request, pk=None):
        return self.act("pause", services.complaint_pause)

    @extend_schema(request=s.NoteInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def resume(self, request, pk=None):
        return self.act("resume", services.complaint_resume)

    @extend_schema(request=s.NoteInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def urge(self, request, pk=None):
        return self.act("urge", services.complaint_urge)

    @extend_schema(request=s.RequestExtensionInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="request-extension")
    def request_extension(self, request, pk=None):
        return self.act("request_extension", services.complaint_request_extension)

    @extend_schema(request=s.ApproveExtensionInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="approve-extension")
    def approve_extension(self, request, pk=None):
        return self.act("approve_extension", services.complaint_approve_extension)

    @extend_schema(request=s.ResolveInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def resolve(self, request, pk=None):
        return self.act("resolve", services.complaint_resolve)

    @extend_schema(request=s.CallbackInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def callback(self, request, pk=None):
        return self.act("callback", services.complaint_callback)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self.act("reopen", services.complaint_reopen)

    @extend_schema(request=s.AssignInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def assign(self, request, pk=None):
        return self.act("assign", services.complaint_assign)

    @extend_schema(request=None, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def take(self, request, pk=None):
        """首问负责制: a handler of the station takes an unassigned complaint (409 if someone was first)."""
        return self.act("take", services.complaint_take)

    @extend_schema(request=s.NoteInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def review(self, request, pk=None):
        """A manager reviews a significant, major or special complaint before the station gets it."""
        return self.act("review", services.complaint_review)

    @extend_schema(request=s.ReasonInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        return self.act("close", services.complaint_close)

    @extend_schema(request=s.MarkTypicalInputSerializer, responses=s.ComplaintSerializer)
    @action(detail=True, methods=["post"], url_path="mark-typical")
    def mark_typical(self, request, pk=None):
        """Managers mark (or unmark) a typical case for the reports (典型案例)."""
        return self.act("mark_typical", services.complaint_mark_typical)

    @extend_schema(responses=s.ComplaintEventSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def events(self, request, pk=None):
        complaint = self.get_object()
        page = self.paginate_queryset(selectors.complaint_events(complaint=complaint))
        return self.get_paginated_response(s.ComplaintEventSerializer(page, many=True).data)

    @extend_schema(responses=s.ComplaintEscalationSerializer(many=True))
    @action(detail=True, methods=["get"], filter_backends=[])
    def escalations(self, request, pk=None):
        complaint = self.get_object()
        qs = selectors.complaint_escalations(complaint=complaint).select_related("station")
        page = self.paginate_queryset(qs)
        return self.get_paginated_response(s.ComplaintEscalationSerializer(page, many=True).data)
