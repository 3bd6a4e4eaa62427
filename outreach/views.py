"""Thin views: parse, call a service, render."""

from django.conf import settings
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import translation
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters

from inolink.forms import attach_service_errors, submitted_data

from . import services
from .forms import InvitationAcceptForm


@sensitive_post_parameters("password1", "password2")
@never_cache
def invitation_accept(request, token):
    """The invited person opens their link, chooses a password and lands on their start page in the invitation's
    language. An unknown, used, revoked or expired link answers with a page that says which (never a 500)."""
    invitation = services.invitation_for_token(token)
    if invitation is None:
        return render(request, "outreach/invitation_invalid.html", {"invitation": None}, status=404)
    with translation.override(invitation.language):
        refusal = invitation.accept_refusal()
        if refusal:
            return render(
                request, "outreach/invitation_invalid.html", {"invitation": invitation, "refusal": refusal}, status=410
            )
        form = InvitationAcceptForm(
            submitted_data(request),
            invitation=invitation,
            initial={"first_name": invitation.first_name, "last_name": invitation.last_name},
        )
        if request.method == "POST" and form.is_valid():
            try:
                user = services.invitation_accept(
                    invitation=invitation,
                    password=form.cleaned_data["password1"],
                    first_name=form.cleaned_data["first_name"],
                    last_name=form.cleaned_data["last_name"],
                )
            except ValidationError as error:
                attach_service_errors(form, error)
            else:
                login(request, user, backend="django.contrib.auth.backends.ModelBackend")
                response = redirect("home")
                response.set_cookie(
                    settings.LANGUAGE_COOKIE_NAME,
                    user.language,
                    max_age=settings.LANGUAGE_COOKIE_AGE,
                    samesite="Lax",
                    secure=settings.SESSION_COOKIE_SECURE,
                    httponly=True,
                )
                return response
        return render(request, "outreach/invitation_accept.html", {"invitation": invitation, "form": form})
