from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth import password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from .lockout import lockout_message
from .models import User


class EmailAuthenticationForm(AuthenticationForm):
    """Sign in with email and password; a locked-out email and address pair is told so at the form."""

    username = forms.EmailField(
        label=_("Email"),
        widget=forms.EmailInput(attrs={"autofocus": True, "autocomplete": "email"}),
    )
    error_messages = {
        "invalid_login": _("The email or password is not right. Please try again; the password is case-sensitive."),
        "inactive": _("This account is inactive."),
    }

    def clean(self):
        try:
            return super().clean()
        except forms.ValidationError:
            # django-axes flags the request when this attempt hit the limit or the pair is already locked out.
            if getattr(self.request, "axes_locked_out", False):
                self.request.inolink_lockout_shown = True
                raise forms.ValidationError(lockout_message(), code="locked_out") from None
            raise


class AdminEmailAuthenticationForm(EmailAuthenticationForm, AdminAuthenticationForm):
    """The admin's sign-in: the site's email field, so an address no account can have (over 320 characters) is
    refused before anyone is asked to authenticate it (the lockout's record of a failure holds 255), and its
    lockout message; staff accounts only, in the admin's words."""

    error_messages = AdminAuthenticationForm.error_messages


class SecondFactorForm(forms.Form):
    """The six-digit code from a staff member's authenticator app, checked against their devices."""

    otp_token = forms.CharField(
        label=_("Authentication code"),
        max_length=12,
        help_text=_("The 6-digit code your authenticator app shows for InoLink."),
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9 ]*"}
        ),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.device = None
        super().__init__(*args, **kwargs)

    def clean_otp_token(self):
        from .two_factor import throttled, verify_code

        token = "".join(self.cleaned_data["otp_token"].split())
        if throttled(self.user):
            raise forms.ValidationError(
                _("Too many wrong codes in a row. Wait a few seconds, then enter the code your authenticator shows."),
                code="throttled",
            )
        self.device = verify_code(self.user, token)
        if self.device is None:
            raise forms.ValidationError(
                _("That code is not right. Enter the code your authenticator shows now; it changes every 30 seconds."),
                code="invalid_token",
            )
        return token


class AdminUserCreationForm(forms.ModelForm):
    """Staff create accounts by email; Django's default form expects a username."""

    password1 = forms.CharField(label=_("Password"), widget=forms.PasswordInput, strip=False)
    password2 = forms.CharField(label=_("Password confirmation"), widget=forms.PasswordInput, strip=False)

    class Meta:
        model = User
        fields = ("email", "first_name", "last_name", "is_staff", "staff_party")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("An account with this email already exists."))
        return email

    def clean(self):
        cleaned = super().clean()
        password1, password2 = cleaned.get("password1"), cleaned.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords do not match."))
        elif password2:
            try:
                password_validation.validate_password(password2, self.instance)
            except forms.ValidationError as error:
                self.add_error("password2", error)
        return cleaned

    def save(self, commit=True):
        user = super().save(commit=False)
        user.set_password(self.cleaned_data["password1"])
        if commit:
            user.save()
            self.save_m2m()
        return user
