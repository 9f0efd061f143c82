"""Pages whose issue has not landed yet: each says so plainly instead of answering 404.

An app that builds one of these pages registers its own URL before this module in
servicecenter/urls.py, and the entry here is then never reached; delete it when it lands.
"""

from django.urls import path
from django.utils.translation import gettext_lazy as _

from .views import placeholder

urlpatterns = [
]
