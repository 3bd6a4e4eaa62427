import django_otp
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import check_for_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_POST

from .forms import SecondFactorForm
from .roles import roles_for
from .services import CHOSEN_LANGUAGE_SESSION_KEY, user_language_choose
from .two_factor import has_device, needs_second_factor

PASSWORD_CHANGE_PAGE = {"page_title": _("Change your password"), "submit_label": _("Change password")}
PASSWORD_RESET_PAGE = {
    "page_title": _("Reset your password"),
    "page_intro": _(
        "Enter the email address you sign in with. We will send a link to it where you can choose a new password."
    ),
    "submit_label": _("Send the link"),
    "back_to_sign_in": True,
}
SECOND_FACTOR_TITLE = _("Enter your authentication code")


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
    """Switch the interface language; it becomes the person's own (also for emails), at once when signed in,
    else when they sign in.

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
    if request.user.is_authenticated:
        user_language_choose(user=request.user, language=language)
    else:
        # Chosen on the sign-in page (or any page before it): theirs once they sign in (UserLanguageMiddleware).
        request.session[CHOSEN_LANGUAGE_SESSION_KEY] = language
    # Not redirect(): it would read a next value without a slash or a dot ("NaN") as a URL name to reverse.
    response = HttpResponseRedirect(next_url)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
    )
    return response


@sensitive_post_parameters("otp_token")
@never_cache
@login_required
def second_factor(request):
    """Staff enter the code from their authenticator app after the password (when a second factor is required)."""
    next_url = request.POST.get("next") or request.GET.get("next") or ""
    if not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}, require_https=False):
        next_url = resolve_url(settings.LOGIN_REDIRECT_URL)
    if not needs_second_factor(request.user):
        return HttpResponseRedirect(next_url)
    device_enrolled = has_device(request.user)
    form = SecondFactorForm(request.user, request.POST or None)
    if request.method == "POST" and device_enrolled and form.is_valid():
        django_otp.login(request, form.device)
        return HttpResponseRedirect(next_url)
    return render(
        request,
        "accounts/second_factor.html",
        {"form": form, "next": next_url, "device_enrolled": device_enrolled, "page_title": SECOND_FACTOR_TITLE},
    )
