from django.conf import settings
from django.utils import translation

from .services import CHOSEN_LANGUAGE_SESSION_KEY, user_language_choose


class UserLanguageMiddleware:
    """Serve signed-in people in the language they chose.

    Runs after LocaleMiddleware (which serves everyone from the language cookie, else the browser's
    Accept-Language) and overrides it with the user's saved choice when there is one. A person who never
    chose keeps the language they were reading in, also across signing in. A choice made before signing in
    (the switch on the sign-in page) becomes the person's own at their first request signed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        if signed_in and CHOSEN_LANGUAGE_SESSION_KEY in request.session:
            chosen = request.session.pop(CHOSEN_LANGUAGE_SESSION_KEY)
            if chosen in self.supported:
                user_language_choose(user=user, language=chosen)
        language = getattr(user, "language", "") if signed_in else ""
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
