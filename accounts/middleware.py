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
