from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Serve signed-in people in their preferred language.

    Runs after LocaleMiddleware (which handles anonymous visitors from the
    language cookie and the browser's Accept-Language) and overrides it with the
    user's saved choice when there is one.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        language = getattr(user, "language", "") if user is not None and user.is_authenticated else ""
        if language in self.supported:
            translation.activate(language)
            request.LANGUAGE_CODE = language
        response = self.get_response(request)
        if language in self.supported:
            response.headers.setdefault("Content-Language", language)
        return response


class StaffSecondFactorMiddleware:
    """Keep a staff session that has not entered its authenticator code on the code page.

    Runs after django-otp's OTPMiddleware (which knows whether the session is verified). Covers every
    page, including ones added later, not only the admin: staff privileges show on front-end pages too.
    Anonymous people and non-staff pass straight through.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.shortcuts import redirect
        from django.urls import reverse
        from django.utils.http import urlencode

        from .two_factor import needs_second_factor

        if needs_second_factor(request.user) and not self._is_open(request.path_info):
            target = reverse("accounts:second-factor")
            return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def _is_open(path):
        from django.urls import reverse

        open_paths = {
            reverse("accounts:second-factor"),
            reverse("accounts:logout"),
            reverse("set_language"),
            reverse("healthz"),
        }
        return path in open_paths or path.startswith("/" + settings.STATIC_URL.lstrip("/"))
