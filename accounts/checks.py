"""Deployment checks of our own: `manage.py check --deploy` fails on them like on Django's."""

from django.conf import settings
from django.core.checks import Tags, Warning, register


@register(Tags.security, deploy=True)
def staff_second_factor_check(app_configs, **kwargs):
    if settings.DEBUG or settings.OTP_REQUIRED_FOR_STAFF:
        return []
    return [
        Warning(
            "Staff can sign in without a second factor while DEBUG is off.",
            hint="Unset DJANGO_OTP_REQUIRED (or set it to 1) in production.",
            id="accounts.W001",
        )
    ]
