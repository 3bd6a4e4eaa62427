from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

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


@require_POST
def set_language(request):
    """Switch the interface language; signed-in people keep it as their preference (also for emails).

    An unknown code falls back to the default language instead of failing.
    """
    supported = {code for code, _name in settings.LANGUAGES}
    language = request.POST.get("language", "")
    if language not in supported or not check_for_language(language):
        language = settings.LANGUAGE_CODE
    next_url = request.POST.get("next") or request.headers.get("referer") or "/"
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = "/"
    if request.user.is_authenticated and request.user.language != language:
        request.user.language = language
        request.user.save(update_fields=["language"])
    response = redirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response
