"""Role checks that front-end views of every app share."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.http import Http404


def require_staff(user) -> None:
    """Programme staff only; everyone else is told the page does not exist."""
    if not (user.is_authenticated and user.is_staff):
        raise Http404


def staff_required(view):
    """Anonymous people go to the sign-in page; signed-in people who are not staff get 404."""

    @login_required
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        require_staff(request.user)
        return view(request, *args, **kwargs)

    return wrapped
