from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("crews", views.CrewViewSet, basename="crew")
router.register("work-orders", views.WorkOrderViewSet, basename="work-order")

urlpatterns = router.urls
