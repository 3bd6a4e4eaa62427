"""Throttling per token (per address for callers without one), counted in the project's cache."""

from rest_framework.throttling import SimpleRateThrottle

from accounts.lockout import client_ip

from .models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    """``token`` rate per API token (and per person for a browser session), ``anonymous`` rate per address."""

    def get_rate(self):
        return None  # chosen per request in allow_request

    def allow_request(self, request, view):
        self.scope = "token" if request.user and request.user.is_authenticated else "anonymous"
        self.rate = self.THROTTLE_RATES[self.scope]
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{client_ip(request)}"
        return self.cache_format % {"scope": self.scope, "ident": ident}
