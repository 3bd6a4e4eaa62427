from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from .roles import roles_for

PASSWORD_CHANGE_TITLE = _("Change your password")
PASSWORD_RESET_TITLE = _("Reset your password")


@login_required
def home(request):
    """Send each person to the start page of their role."""
    roles = roles_for(request)
    if roles.is_manager:
        return redirect("consultations:dashboard")
    if roles.is_expert:
        return redirect("consultations:my-sessions")
    if roles.is_staff:
        return redirect("reports:dashboard")
    return render(request, "accounts/no_role.html")
