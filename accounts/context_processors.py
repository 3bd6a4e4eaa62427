from django.conf import settings

from .roles import Roles, roles_for
from .two_factor import needs_second_factor, second_factor_required


def navigation(request):
    """Expose the person's roles so the layout shows each role what it can do, and how staff sign in.

    Staff who still owe their second factor see no role links: every one of them leads to the code page.
    """
    user = getattr(request, "user", None)
    owes_code = user is not None and needs_second_factor(user)
    return {
        "roles": Roles(False, False, False) if owes_code else roles_for(request),
        "staff_second_factor_required": second_factor_required(),
        "demo_mode": settings.DEBUG,
    }
