"""Strings other packages show in our pages without a Chinese translation of their own, listed here so
that `make messages` keeps them in the root catalog (locale/), which Django reads before theirs:
Django 5.2 admin's new table captions and django-axes' model names (both lazily translated).
Nothing imports this module; only makemessages reads it."""

from django.utils.translation import gettext_noop

ADMIN_AND_THIRD_PARTY = [
    # django.contrib.admin (app_list.html, 5.x): captions of the model table, read out by screen readers
    gettext_noop("Model name"), gettext_noop("Add link"), gettext_noop("Change or view list link"),
    # django-axes: sign-in lockouts
    gettext_noop("access attempts"), gettext_noop("access attempt"), gettext_noop("access failures"),
    gettext_noop("access failure"), gettext_noop("access logs"), gettext_noop("access log"),
    gettext_noop("access attempt expirations"), gettext_noop("access attempt expiration"),
]
