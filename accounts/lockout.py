"""How django-axes sees a sign-in attempt, and what a locked-out person is shown.

Settings (``AXES_*`` in inolink/settings.py) point here. A lockout is per email *and* address: five
wrong passwords for one email from one address pause that pair for ``AXES_COOLOFF_TIME``; the same
person elsewhere, or another person at the same address, can still sign in.
"""

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

LOCKOUT_STATUS = 429


def username_from_request(request, credentials=None) -> str:
    """The email tried, normalised as accounts store it, so changing letter case is no way round the lockout."""
    source = credentials if credentials else getattr(request, "POST", {})
    value = source.get("username") or source.get("email") or ""
    return str(value).strip().lower()


def client_ip(request) -> str:
    """The address the request came from.

    Behind ``TRUSTED_PROXY_COUNT`` proxies that each append to X-Forwarded-For, the client's address is
    the entry the outermost trusted proxy added: counted from the right, because whatever lies further
    left was written by the client and can be forged. Without proxies (or without the header) it is
    the socket's address.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(forwarded) >= count:
        return forwarded[-count]
    return forwarded[0] if forwarded else remote


def cooloff_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message() -> str:
    minutes = cooloff_minutes()
    return ngettext(
        "Too many unsuccessful sign-in attempts for this email from your network. For your security, "
        "signing in is paused for %(minutes)d minute. Try again later, or ask programme staff to unlock "
        "your account.",
        "Too many unsuccessful sign-in attempts for this email from your network. For your security, "
        "signing in is paused for %(minutes)d minutes. Try again later, or ask programme staff to unlock "
        "your account.",
        minutes,
    ) % {"minutes": minutes}


LOCKOUT_TITLE = _("Signing in is paused")


def lockout_response(request, original_response=None, credentials=None):
    """What axes answers when a sign-in is refused because of the lockout.

    Our sign-in page already shows the message at the form (``EmailAuthenticationForm``); it keeps that
    page and only marks it 429. Any other sign-in form (the admin's) gets a page with the same message.
    """
    if original_response is not None and getattr(request, "inolink_lockout_shown", False):
        original_response.status_code = LOCKOUT_STATUS
        return original_response
    return render(
        request,
        "accounts/locked_out.html",
        {"page_title": LOCKOUT_TITLE, "message": lockout_message()},
        status=LOCKOUT_STATUS,
    )
