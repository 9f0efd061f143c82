"""`{% policy_version_of complaint as v %}`: the recorded version of the SLA policy that set a
complaint's deadlines (the policy as it stood when the complaint was entered)."""

from __future__ import annotations

from django import template

from ..versions import policy_version

register = template.Library()


@register.simple_tag
def policy_version_of(complaint):
    return policy_version(complaint)
