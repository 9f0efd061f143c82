from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("stations", views.SupplyStationViewSet, basename="station")
router.register("customers", views.CustomerViewSet, basename="customer")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = router.urls
