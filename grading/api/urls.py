from django.urls import path
from rest_framework.routers import SimpleRouter

from . import views

router = SimpleRouter(trailing_slash=True)
router.register("grading/runs", views.GradeRunViewSet, basename="graderun")
router.register("grading/changes", views.GradeChangeViewSet, basename="gradechange")

# Visits live under the customer; customers knows nothing of grading, so the route is here.
visits = views.CustomerVisitViewSet.as_view({"get": "list", "post": "create"})

urlpatterns = [
    path("customers/<int:customer_id>/visits/", visits, name="customer-visits"),
    *router.urls,
]
