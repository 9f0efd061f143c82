from django import template

from ..choices import VisitKind

register = template.Library()


@register.filter
def visit_kind_label(kind: str) -> str:
    return dict(VisitKind.choices).get(kind, kind)
