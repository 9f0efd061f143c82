from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token

from . import views

api_v1 = [
    path("auth/token/", obtain_auth_token, name="api-token"),
    path("", include("customers.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("workorders.api.urls")),
    path("", include("grading.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("ops.urls")),  # /healthz/, /health/, /metrics
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
    path("", include("customers.urls")),
    path("", include("complaints.urls")),
    path("", include("workorders.urls")),
    path("", include("grading.urls")),
    path("", include("reports.urls")),
]

# a database connection refused inside a middleware answers 503 with Retry-After (ops.views)
handler500 = "ops.views.server_error"
