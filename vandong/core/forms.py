"""A service's refusal (`DomainError`) shown on a page: in the page's
language, beside the field it names."""

from django import forms
from django.utils.translation import get_language

from vandong.core.errors import DomainError


def say(error: DomainError) -> str:
    """A service message in the page's language (Vietnamese by default)."""
    vi = (get_language() or "vi").startswith("vi")
    return error.message_vi if vi else error.message_en


def add_domain_error(form: forms.Form, error: DomainError) -> None:
    """Show a service's refusal beside its field, else above the form."""
    field = error.field if error.field in form.fields else None
    form.add_error(field, say(error))
