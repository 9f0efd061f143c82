"""The one permission base and action helper of the API's action endpoints (one POST per verb:
`/api/v1/complaints/{id}/acknowledge/`, `/api/v1/work-orders/{id}/arrive/`, …).

Every action endpoint answers in the same order, whatever the app:

1. 401 when not signed in;
2. 404 when the object is outside the user's scope: the viewset's `get_queryset()` is the app's
   scoped selector, so an id out of scope is not found (ids do not leak);
3. 403 when the user's role may not take the verb: `action_roles = {verb: {roles}}` on the
   viewset (any role not listed may not), then `may_act(user, verb, obj)` for a rule on the object
   (the crew of this order, the station of this escalation);
4. 400 naming the field, when the input is invalid (`action_input(verb)`), read only after the
   object is known to be in scope;
5. 409 with the allowed actions when the object's state does not allow the verb: the service
   raises InvalidTransition and servicecenter.api.exception_handler answers it.

    class ComplaintViewSet(ActionViewSetMixin, ...):
        action_inputs = {"pause": ReasonInputSerializer, ...}

        @action(detail=True, methods=["post"])
        def pause(self, request, pk=None):
            return self.act("pause", services.complaint_pause)
"""

from __future__ import annotations

from collections.abc import Callable

from rest_framework import permissions
from rest_framework.serializers import Serializer

from servicecenter.roles import has_role


class ActionPermission(permissions.IsAuthenticated):
    """Signed in; on the object (after the scoped lookup, so out of scope stays 404) the view's
    `action_roles` and `may_act` decide the verb (403 otherwise). Verbs the view does not list
    (list, retrieve, GET sub-resources) pass."""

    def has_object_permission(self, request, view, obj):
        verb = getattr(view, "action", None)
        roles = getattr(view, "action_roles", {}).get(verb)
        if roles is not None and not has_role(request.user, *roles):
            return False
        may_act = getattr(view, "may_act", None)
        return may_act is None or may_act(request.user, verb, obj)


class ActionViewSetMixin:
    """For a GenericViewSet whose state changes are POST actions, each calling one service."""

    permission_classes = [ActionPermission]
    action_inputs: dict[str, type[Serializer]] = {}
    action_roles: dict[str, set[str]] = {}

    def may_act(self, user, verb: str, obj) -> bool:
        """A rule on the object beyond the role (override); True: the role decides."""
        return True

    def action_input(self, verb: str, *, raise_exception: bool = True) -> Serializer:
        """The verb's input serializer bound to the request and validated (400 naming the field;
        with raise_exception=False the caller refuses later, e.g. once the object is in scope)."""
        # the request in the context: fields that look objects up read in the user's scope
        serializer = self.action_inputs[verb](data=self.request.data, context={"request": self.request})
        serializer.is_valid(raise_exception=raise_exception)
        return serializer

    def act(self, verb: str, service: Callable, **extra):
        """The common action: the scoped object (404, then 403 by ActionPermission), its input
        (400), the service with `<object name>=obj, by=user` (409 on a wrong state), and the
        answer `self.action_answer(obj, result)`."""
        obj = self.get_object()
        data = self.action_input(verb).validated_data if verb in self.action_inputs else {}
        result = service(**{self.action_object_name: obj}, by=self.request.user, **data, **extra)
        return self.action_answer(obj, result)

    action_object_name = "object"

    def action_answer(self, obj, result):  # pragma: no cover - each viewset answers its own way
        raise NotImplementedError
