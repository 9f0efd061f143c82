import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicecenter.settings")
application = get_wsgi_application()

# What the worker holds once started, and once warm, is frozen out of the full garbage
# collections (servicecenter/gcfreeze.py: they walked it every few dozen requests, 91-214 ms).
from servicecenter import gcfreeze  # noqa: E402

gcfreeze.install()
