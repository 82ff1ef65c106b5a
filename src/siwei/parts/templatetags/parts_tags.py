"""Template helpers of the parts pages."""

from django import template

register = template.Library()


@register.filter
def fields_named(form, names: str) -> list:
    """The bound fields of ``form`` named in the space-separated ``names``, in order."""
    return [form[name] for name in names.split() if name in form.fields]
