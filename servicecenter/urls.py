from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from . import signin, views

# the administration's titles in the reader's language (Django's default is "Django 站点管理员")
admin.site.site_header = _("Service center administration")
admin.site.site_title = _("Service center administration")
admin.site.index_title = _("Data and settings")

# the admin signs in with the same form rules as the site (one-time code, lockout)
admin.site.login_form = signin.AdminSignInForm
admin.site.login_template = "admin/login_2fa.html"

api_v1 = [
    path("auth/token/", signin.ObtainTokenView.as_view(), name="api-token"),
    path("auth/logout/", signin.RevokeTokenView.as_view(), name="api-logout"),
    path("auth/logout-all/", signin.RevokeTokenView.as_view(every=True), name="api-logout-all"),
    path("", include("customers.api.urls")),
    path("", include("complaints.api.urls")),
    path("", include("workorders.api.urls")),
    path("", include("tickets.api.urls")),
    path("", include("outages.api.urls")),
    path("", include("grading.api.urls")),
    path("", include("reports.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", auth_views.LoginView.as_view(template_name="registration/login.html",
                                                authentication_form=signin.SignInForm,
                                                redirect_authenticated_user=True), name="login"),
    path("account/two-factor/", signin.two_factor, name="two-factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("ops.urls")),  # /healthz/, /health/, /metrics
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="schema"), name="api-docs"),
    path("", include("customers.urls")),
    path("", include("complaints.urls")),
    path("", include("workorders.urls")),
    path("", include("outages.urls")),
    path("", include("tickets.page_urls")),  # /counter/ (every kind), /tickets/
    path("", include("grading.urls")),
    path("", include("reports.urls")),
]

# a database connection refused inside a middleware answers 503 with Retry-After (ops.views)
handler500 = "ops.views.server_error"
