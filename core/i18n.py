"""The language of texts written for other staff."""

from django.conf import settings
from django.utils import translation


def site_language():
    """Texts written for other staff (notification subjects, timeline notes) are in the site's
    language (settings.LANGUAGE_CODE), not in the language of whoever's request wrote them:
    `with site_language(): notify(..., subject=_("...") % {...})`."""
    return translation.override(settings.LANGUAGE_CODE)
