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

    def ready(self):
        # The package names its model in plain English, not marked for translation ("TOTP devices" in the admin
        # whatever the language). Options.original_attrs keeps the package's name, so migrations see no change.
        from django_otp.plugins.otp_totp.models import TOTPDevice

        TOTPDevice._meta.verbose_name = _("TOTP device")
        TOTPDevice._meta.verbose_name_plural = _("TOTP devices")
