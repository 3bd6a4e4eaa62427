"""``Authorization: Bearer inolink_<prefix>_<secret>``: a token acts as its person, or as a named system's reader."""

from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions

from .services import api_token_find, api_token_touch


class SystemReader:
    """Who a system's token (one without a person) acts as: staff's view of the programme, for reading only.

    Staff create such tokens for the agency's and the ministry's systems (reporting, BI, the national cluster
    registry). Every permission function gives staff the whole registry and programme, so a system reads what staff
    read; ``api.permissions.ApiAccess`` refuses it every change. It is no row of the users table: nothing can be
    recorded as done by it.
    """

    is_authenticated = True
    is_anonymous = False
    is_active = True
    is_staff = True
    is_superuser = False
    pk = id = None
    language = ""

    def __init__(self, token):
        self.token = token

    def __str__(self):
        return str(self.token.name)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    keyword = "Bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword.lower().encode():
            return None
        if len(header) != 2:
            raise exceptions.AuthenticationFailed(_("Give the token after “Bearer”, with no spaces in it."))
        try:
            text = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise exceptions.AuthenticationFailed(_("This token is not valid.")) from None
        token = api_token_find(text)
        if token is None:
            raise exceptions.AuthenticationFailed(_("This token is not valid, has expired or was revoked."))
        api_token_touch(token)
        return (token.user if token.user is not None else SystemReader(token)), token

    def authenticate_header(self, request):
        return self.keyword
