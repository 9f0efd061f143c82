"""/api/v1/tickets/: orders of every kind (SPEC §7, §11): list (the complaint filters plus `kind`,
`subtype`), detail, create, and `/api/v1/tickets/{id}/<action>/` for the actions its kind's
lifecycle declares (complaints/kinds.py: 409 with the kind's allowed actions). The actions are the
complaints' (complaints/api/views.py, core.api's action base), answered with the ticket."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from complaints import services as complaint_services
from complaints.api import serializers as cs
from complaints.api.views import ComplaintViewSet
from servicecenter.roles import COUNTER, HANDLER, MANAGER, has_role

from .. import selectors, services
from ..filters import TicketFilterSet
from . import serializers as s

# the complaints' actions, with their inputs, answered with a ticket
ACTION_REQUESTS = {
    "acknowledge": cs.AcknowledgeInputSerializer, "pause": cs.ReasonInputSerializer, "resume": cs.NoteInputSerializer,
    "urge": cs.NoteInputSerializer, "request_extension": cs.RequestExtensionInputSerializer,
    "approve_extension": cs.ApproveExtensionInputSerializer, "resolve": s.TicketResolveInputSerializer,
    "callback": cs.CallbackInputSerializer, "reopen": cs.ReasonInputSerializer, "assign": cs.AssignInputSerializer,
    "take": None, "close": cs.ReasonInputSerializer, "mark_typical": cs.MarkTypicalInputSerializer,
    "review": cs.NoteInputSerializer,
}


@extend_schema_view(
    list=extend_schema(responses=s.TicketSerializer(many=True)),
    retrieve=extend_schema(responses=s.TicketSerializer),
    **{name: extend_schema(request=request, responses=s.TicketSerializer) for name, request in ACTION_REQUESTS.items()},
)
class TicketViewSet(ComplaintViewSet):
    """Orders of every kind within the user's scope (the complaints' rule; out of scope -> 404).
    A report's informant is shown to managers only (TicketSerializer)."""

    serializer_class = s.TicketSerializer
    filterset_class = TicketFilterSet
    action_inputs = {**ComplaintViewSet.action_inputs, "resolve": s.TicketResolveInputSerializer,
                     "return_order": cs.ReasonInputSerializer, "send": s.SendInputSerializer,
                     "terminate": cs.ReasonInputSerializer, "answer": s.AnswerInputSerializer}

    def get_queryset(self):
        return selectors.ticket_list(user=self.request.user)

    def _answer(self, ticket, code=status.HTTP_200_OK):
        ticket = selectors.ticket_get(user=self.request.user, pk=ticket.pk)
        return Response(s.TicketSerializer(ticket, context=self.get_serializer_context()).data, status=code)

    @extend_schema(request=s.TicketCreateInputSerializer, responses={201: s.TicketSerializer})
    def create(self, request, *args, **kwargs):
        if not has_role(request.user, COUNTER, HANDLER, MANAGER):
            raise PermissionDenied()
        data = s.TicketCreateInputSerializer(data=request.data, context={"request": request})
        data.is_valid(raise_exception=True)
        ticket = services.ticket_intake(by=request.user, **data.validated_data)
        return Response(s.TicketSerializer(ticket, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)

    @extend_schema(request=cs.ReasonInputSerializer, responses=s.TicketSerializer)
    @action(detail=True, methods=["post"], url_path="return", url_name="return")
    def return_order(self, request, pk=None):
        """退单: the station returns an order that is not its business, with the reason."""
        return self.act("return_order", complaint_services.order_return)

    @extend_schema(request=s.SendInputSerializer, responses=s.TicketSerializer)
    @action(detail=True, methods=["post"])
    def send(self, request, pk=None):
        """The service center sends the order to a supply station (a returned one on to the right one)."""
        return self.act("send", complaint_services.order_send)

    @extend_schema(request=cs.ReasonInputSerializer, responses=s.TicketSerializer)
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        """服务终止: a manager closes an order beyond the rules, with the reason (counted apart)."""
        return self.act("terminate", complaint_services.order_terminate)

    @extend_schema(request=s.AnswerInputSerializer, responses=s.TicketSerializer)
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """An enquiry answered: the answer is its reply, and it closes."""
        return self.act("answer", complaint_services.order_answer)
