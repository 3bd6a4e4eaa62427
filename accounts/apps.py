from axes.apps import AppConfig as AxesConfig
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig


class AccountsConfig(AppConfig):
    default = True  # this module holds two more configs, for the packages below
    default_auto_field = "django.db.models.BigAutoField"
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from . import checks  # noqa: F401  (registers the deployment checks)


# django-axes and django-otp's TOTP plugin name their admin sections "Axes" and "OTP_TOTP", in English whatever
# the language; these configs (listed in INSTALLED_APPS in their place) give the sections names staff read.
class SignInAttemptsConfig(AxesConfig):
    verbose_name = _("Sign-in attempts")


class AuthenticatorDevicesConfig(TOTPConfig):
    verbose_name = _("Authenticator apps")
