"""Form helpers every app's views share."""

from django.core.exceptions import ValidationError


def submitted_data(request):
    """The data to bind a form to: an empty POST is still a submission and shows "required" at the fields."""
    return request.POST if request.method == "POST" else None


def attach_service_errors(form, error: ValidationError) -> None:
    """Show a service's rule error at the field it names, or above the form for fields the form lacks."""
    if hasattr(error, "error_dict"):
        for field, messages in error.error_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error)
