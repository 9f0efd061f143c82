from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("outages", views.OutageViewSet, basename="outage")
router.register("public/outages", views.PublicOutageViewSet, basename="public-outage")

urlpatterns = router.urls
