"""{% load customers_privacy %} {{ phone|phone_for:user }}: the phone in full for the roles that work with
phones, masked (138****8000) for the others (customers/privacy.py)."""

from django import template

from ..privacy import mask_phone, shows_phones

register = template.Library()


@register.filter
def phone_for(phone, user):
    return phone if shows_phones(user) else mask_phone(phone)
