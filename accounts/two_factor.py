"""The staff second factor: who needs it and how a code is checked. Views and middleware ask here.

When ``settings.OTP_REQUIRED_FOR_STAFF`` is on (whenever DEBUG is off), a staff account's session
counts as signed in only after a code from its TOTP device (django-otp) has been entered. Until then
``StaffSecondFactorMiddleware`` lets it reach nothing but the code page and signing out: staff see every
cluster, agreement and report and run the admin, so a stolen password alone must open none of it.
"""

from django.conf import settings
from django_otp import devices_for_user, match_token


def second_factor_required() -> bool:
    return bool(settings.OTP_REQUIRED_FOR_STAFF)


def needs_second_factor(user) -> bool:
    """True when this signed-in person is staff, a second factor is required, and they have not given it."""
    if not second_factor_required() or not getattr(user, "is_authenticated", False) or not user.is_staff:
        return False
    is_verified = getattr(user, "is_verified", None)
    return not (is_verified and is_verified())


def has_device(user) -> bool:
    return next(iter(devices_for_user(user, confirmed=True)), None) is not None


def throttled(user) -> bool:
    """True when django-otp refuses to check codes for now, after repeated wrong ones (the wait doubles each time)."""
    return any(not device.verify_is_allowed()[0] for device in devices_for_user(user, confirmed=True))


def verify_code(user, token):
    """The confirmed device of ``user`` that accepts ``token``, or None (django-otp throttles repeated failures)."""
    if not token.isdigit():
        return None
    return match_token(user, token)
