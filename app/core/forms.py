"""Helpers shared by every domain's forms and views."""

from app.core.errors import DomainError


def apply_error(form, exc: DomainError) -> None:
    """Show a service's refusal on the field it names, else on the form."""
    field = getattr(form, exc.field, None) if exc.field else None
    if field is not None:
        field.errors = [*field.errors, str(exc)]
    else:
        form.form_errors.append(str(exc))
