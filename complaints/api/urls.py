from rest_framework.routers import SimpleRouter

from . import views
from .escalations import EscalationViewSet

router = SimpleRouter(trailing_slash=True)
router.register("escalations", EscalationViewSet, basename="escalation")
router.register("complaints", views.ComplaintViewSet, basename="complaint")

urlpatterns = router.urls
