"""Enrol an authenticator app (TOTP) for a staff member and show the QR code once, in the terminal."""

import io

import qrcode
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User


class Command(BaseCommand):
    help = (
        "Create a TOTP device for a user and print its otpauth:// URL and QR code, to scan with an authenticator "
        "app (FreeOTP, Google Authenticator, Microsoft Authenticator, …). The secret is shown only now."
    )

    def add_arguments(self, parser):
        parser.add_argument("email", help="The user's email address.")
        parser.add_argument("--name", default="Authenticator app", help="A name for the device, e.g. 'Rasa's phone'.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the user's existing TOTP devices first (a lost phone)."
        )
        parser.add_argument("--no-qr", action="store_true", help="Print only the URL, not the QR code.")

    def handle(self, *args, email, name, replace, no_qr, **options):
        try:
            user = User.objects.get_by_natural_key(email.strip())
        except User.DoesNotExist:
            raise CommandError(f"No user has the email {email}.") from None
        with transaction.atomic():
            existing = TOTPDevice.objects.filter(user=user)
            if existing.exists() and not replace:
                raise CommandError(
                    f"{user.email} already has an authenticator device. Use --replace to replace it (a lost phone)."
                )
            existing.delete()
            device = TOTPDevice.objects.create(user=user, name=name, confirmed=True)
        if not user.is_staff:
            self.stderr.write(self.style.WARNING(f"{user.email} is not staff: the code is asked of staff only."))
        self.stdout.write(self.style.SUCCESS(f"Enrolled '{device.name}' for {user.email}."))
        self.stdout.write("Scan this in the authenticator app, or enter the URL by hand:")
        self.stdout.write(device.config_url)
        if not no_qr:
            qr = qrcode.QRCode(border=2)
            qr.add_data(device.config_url)
            out = io.StringIO()
            qr.print_ascii(out=out, invert=True)
            self.stdout.write(out.getvalue())
        self.stdout.write("Then sign in: after the password, InoLink asks for the 6-digit code the app shows.")
