from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("tickets", views.TicketViewSet, basename="ticket")

urlpatterns = router.urls
