from django.conf import settings

from .roles import roles_for
from .two_factor import second_factor_required


def navigation(request):
    """Expose the person's roles so the layout shows each role what it can do, and how staff sign in."""
    return {
        "roles": roles_for(request),
        "staff_second_factor_required": second_factor_required(),
        "demo_mode": settings.DEBUG,
    }
